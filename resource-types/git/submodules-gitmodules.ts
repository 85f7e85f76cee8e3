/**
 * `.gitmodules` read as git reads any config file, and the queries upstream's
 * assets/in makes of it: `git config --file .gitmodules --name-only
 * --get-regexp '\.path$' REGEX` (which sections to update, in file order) and
 * `--get submodule.NAME.KEY` (the last value wins).
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { compilePosix, PosixRegexError } from "./posix-regex.ts";

export interface ConfigEntry {
  /** canonical key as `git config --name-only` prints it: section and variable lowercased, subsection verbatim */
  key: string;
  section: string;
  /** undefined for `[section]` with no subsection */
  subsection: string | undefined;
  variable: string;
  /** null for a bare `key` line (a boolean true) */
  value: string | null;
}

export class GitConfigFile {
  readonly entries: readonly ConfigEntry[];

  constructor(entries: readonly ConfigEntry[]) {
    this.entries = entries;
  }

  /** `git config --get section.subsection.variable`: the last value, as text. */
  get(section: string, subsection: string, variable: string): string | undefined {
    let found: string | undefined;
    for (const e of this.entries) {
      if (e.section === section && e.subsection === subsection && e.variable === variable) found = e.value ?? "true";
    }
    return found;
  }
}

/** What `git config --file F` says of a file it cannot parse (exit 128). */
function badConfig(line: number, file: string): JetwayError {
  return new JetwayError("OPERATION_FAILED", `fatal: bad config line ${line} in file ${file}`, { exitCode: 128 });
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\v" || c === "\f";
const isKeyChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9-]/.test(c);

/** Parses git's config syntax: sections, quoted subsections, escapes, comments, continuation lines. */
export function parseGitConfig(text: string, file = ".gitmodules"): GitConfigFile {
  const entries: ConfigEntry[] = [];
  let i = 0;
  let line = 1;
  let section: string | undefined;
  let subsection: string | undefined;
  // a UTF-8 byte order mark is skipped, as git does
  if (text.startsWith("\uFEFF")) i = 1;
  const peek = () => text[i];
  const next = () => {
    const c = text[i++];
    if (c === "\n") line++;
    return c;
  };

  while (i < text.length) {
    const c = next()!;
    if (c === "\n" || isSpace(c)) continue;
    if (c === "#" || c === ";") {
      while (i < text.length && next() !== "\n");
      continue;
    }
    if (c === "[") {
      let name = "";
      while (i < text.length && (isKeyChar(peek()) || peek() === ".")) name += next();
      if (name === "") throw badConfig(line, file);
      subsection = undefined;
      if (peek() === "]") {
        next();
        // the deprecated [section.subsection] form lowercases the whole name
        section = name.toLowerCase();
        continue;
      }
      if (!isSpace(peek()) || name.includes(".")) throw badConfig(line, file);
      while (isSpace(peek())) next();
      if (next() !== '"') throw badConfig(line, file);
      let sub = "";
      for (;;) {
        const d = next();
        if (d === undefined || d === "\n") throw badConfig(line, file);
        if (d === '"') break;
        if (d === "\\") {
          const e = next();
          if (e === undefined || e === "\n") throw badConfig(line, file);
          sub += e;
        } else sub += d;
      }
      if (next() !== "]") throw badConfig(line, file);
      section = name.toLowerCase();
      subsection = sub;
      continue;
    }
    if (!/[A-Za-z]/.test(c) || section === undefined) throw badConfig(line, file);
    let variable = c;
    while (isKeyChar(peek())) variable += next();
    while (isSpace(peek())) next();
    let value: string | null = null;
    const after = peek();
    if (after === "=") {
      next();
      value = parseValue();
    } else if (after === "\n" || after === undefined) {
      if (after === "\n") next();
    } else if (after === "#" || after === ";") {
      while (i < text.length && next() !== "\n");
    } else {
      throw badConfig(line, file);
    }
    variable = variable.toLowerCase();
    const key = subsection === undefined ? `${section}.${variable}` : `${section}.${subsection}.${variable}`;
    entries.push({ key, section, subsection, variable, value });
  }
  return new GitConfigFile(entries);

  /** A value up to the end of its line: quotes, escapes, comments, trailing blanks dropped. */
  function parseValue(): string {
    let out = "";
    let quoted = false;
    let pendingSpace = 0;
    let started = false;
    for (;;) {
      const c = next();
      if (c === undefined || c === "\n") {
        // the line that is missing its closing quote, not the next one
        if (quoted) throw badConfig(c === "\n" ? line - 1 : line, file);
        return out;
      }
      if (!quoted && (c === ";" || c === "#")) {
        while (i < text.length && next() !== "\n");
        return out;
      }
      if (!quoted && isSpace(c)) {
        // leading blanks vanish; inner runs are kept (as spaces) only if more text follows
        if (started) pendingSpace++;
        continue;
      }
      out += " ".repeat(pendingSpace);
      pendingSpace = 0;
      started = true;
      if (c === "\\") {
        const e = next();
        if (e === "\n") continue;
        if (e === "n") out += "\n";
        else if (e === "t") out += "\t";
        else if (e === "b") out += "\b";
        else if (e === "\\" || e === '"') out += e;
        else throw badConfig(line, file);
        continue;
      }
      if (c === '"') {
        quoted = !quoted;
        continue;
      }
      out += c;
    }
  }
}

/**
 * The submodule names upstream's loop reads: every `*.path` key whose value
 * matches `valueRegex` (an extended regex, unanchored; a leading `!` negates,
 * as git config's value patterns do), in file order, with `submodule.` and
 * `.path` cut off by its sed. A key outside a submodule section keeps its
 * whole name (and then has no path), as the sed leaves it.
 *
 * An invalid pattern is what `git config` complains of on stderr; upstream's
 * pipeline then reads no names at all, so none are returned.
 */
export function selectSubmoduleNames(gitmodules: GitConfigFile, valueRegex: string): { names: string[]; stderr: string[] } {
  const negate = valueRegex.startsWith("!");
  let regex: RegExp;
  try {
    regex = compilePosix(negate ? valueRegex.slice(1) : valueRegex, true);
  } catch (e) {
    if (!(e instanceof PosixRegexError)) throw e;
    return { names: [], stderr: [`error: invalid pattern: ${valueRegex}`] };
  }
  const names: string[] = [];
  for (const e of gitmodules.entries) {
    if (!e.key.endsWith(".path")) continue;
    // a bare `path` line has no value: git matches the pattern against ""
    if (regex.test(e.value ?? "") === negate) continue;
    const m = /^submodule\.(.+)\.path$/s.exec(e.key);
    names.push(m ? m[1]! : e.key);
  }
  return { names, stderr: [] };
}

/** How git itself reads one submodule section (submodule-config.c), not how the script's `--get` does. */
export interface SubmoduleSpec {
  name: string;
  path: string | undefined;
  url: string | undefined;
  /** the `update` mode .gitmodules suggests, if any */
  update: string | undefined;
  branch: string | undefined;
}

export interface SubmoduleTable {
  byName: Map<string, SubmoduleSpec>;
  /** the section each path belongs to (a later section naming the same path takes it over) */
  byPath: Map<string, SubmoduleSpec>;
  /** git's warnings while reading (suspicious names, option-like values) */
  warnings: string[];
}

/**
 * git refuses submodule names that could climb out of .git/modules
 * (`check_submodule_name`): empty, or with a `..` path component.
 */
export function isSafeSubmoduleName(name: string): boolean {
  return name !== "" && !name.split(/[/\\]/).includes("..");
}

/**
 * The submodule sections as git's submodule config sees them: the first
 * value of each key wins, suspicious names are ignored, and a path or url
 * that looks like a command-line option is dropped (CVE-2018-17456).
 */
export function submoduleTable(gitmodules: GitConfigFile): SubmoduleTable {
  const byName = new Map<string, SubmoduleSpec>();
  const byPath = new Map<string, SubmoduleSpec>();
  const warnings: string[] = [];
  const warned = new Set<string>();
  for (const e of gitmodules.entries) {
    if (e.section !== "submodule" || e.subsection === undefined) continue;
    const name = e.subsection;
    if (!isSafeSubmoduleName(name)) {
      if (!warned.has(name)) warnings.push(`warning: ignoring suspicious submodule name: ${name}`);
      warned.add(name);
      continue;
    }
    let spec = byName.get(name);
    if (!spec) {
      spec = { name, path: undefined, url: undefined, update: undefined, branch: undefined };
      byName.set(name, spec);
    }
    const value = e.value;
    if (e.variable !== "path" && e.variable !== "url" && e.variable !== "update" && e.variable !== "branch") continue;
    if (value === null) continue;
    if ((e.variable === "path" || e.variable === "url") && value.startsWith("-")) {
      warnings.push(`warning: ignoring '${e.key}' which may be interpreted as a command-line option: ${value}`);
      continue;
    }
    if (spec[e.variable] !== undefined) continue;
    spec[e.variable] = value;
    if (e.variable === "path") byPath.set(value, spec);
  }
  return { byName, byPath, warnings };
}

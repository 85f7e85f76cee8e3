/**
 * Go's path/filepath Glob and Match on Unix, which upstream's `file` param
 * goes through: `*` and `?` never cross "/", `[...]` classes with `^`
 * negation and ranges, `\` escapes, no `**`, and dot files are not special.
 * Matches come back sorted per folder, as Glob returns them; a malformed
 * pattern fails with Go's ErrBadPattern wording.
 */
import { lstat, readdir, stat } from "node:fs/promises";
import { posix } from "node:path";

export class BadPatternError extends Error {
  constructor() {
    super("syntax error in pattern");
    this.name = "BadPatternError";
  }
}

/** filepath.Clean */
export function goClean(p: string): string {
  if (p === "") return ".";
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** filepath.Join */
export function goJoin(...parts: string[]): string {
  const nonEmpty = parts.filter((x) => x !== "");
  return nonEmpty.length === 0 ? "" : goClean(nonEmpty.join("/"));
}

function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let p = pattern;
  let star = false;
  while (p.length > 0 && p[0] === "*") {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case "\\":
        if (i + 1 < p.length) i++;
        break;
      case "[":
        inRange = true;
        break;
      case "]":
        inRange = false;
        break;
      case "*":
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

function getEsc(chunk: string[]): { r: string; rest: string[] } {
  let c = chunk;
  if (c.length === 0 || c[0] === "-" || c[0] === "]") throw new BadPatternError();
  if (c[0] === "\\") {
    c = c.slice(1);
    if (c.length === 0) throw new BadPatternError();
  }
  const r = c[0]!;
  const rest = c.slice(1);
  if (rest.length === 0) throw new BadPatternError();
  return { r, rest };
}

function matchChunk(chunkIn: string[], sIn: string[]): string[] | null {
  let chunk = chunkIn;
  let s = sIn;
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0]!;
    if (c === "[") {
      let r = "";
      if (!failed) {
        r = s[0]!;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === "^") {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === "]" && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk[0] === "-") {
          const h = getEsc(chunk.slice(1));
          hi = h.r;
          chunk = h.rest;
        }
        const cp = r === "" ? -1 : r.codePointAt(0)!;
        if (lo.r.codePointAt(0)! <= cp && cp <= hi.codePointAt(0)!) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === "?") {
      if (!failed) {
        if (s[0] === "/") failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === "\\") {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new BadPatternError();
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? null : s;
}

/** filepath.Match */
export function goMatch(patternText: string, nameText: string): boolean {
  let pattern = [...patternText];
  let name = [...nameText];
  outer: while (pattern.length > 0) {
    const { star, chunk, rest } = scanChunk(pattern);
    pattern = rest;
    if (star && chunk.length === 0) return !name.includes("/");
    const t = matchChunk(chunk, name);
    if (t !== null && (t.length === 0 || pattern.length > 0)) {
      name = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < name.length && name[i] !== "/"; i++) {
        const t2 = matchChunk(chunk, name.slice(i + 1));
        if (t2 !== null) {
          if (pattern.length === 0 && t2.length > 0) continue;
          name = t2;
          continue outer;
        }
      }
    }
    while (pattern.length > 0) {
      const next = scanChunk(pattern);
      pattern = next.rest;
      matchChunk(next.chunk, []);
    }
    return false;
  }
  return name.length === 0;
}

const hasMeta = (p: string) => /[*?[\\]/.test(p);

async function globDir(dir: string, pattern: string, matches: string[]): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) return;
  } catch {
    return;
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const n of names) if (goMatch(pattern, n)) matches.push(goJoin(dir, n));
}

/** filepath.Glob */
export async function goGlob(pattern: string): Promise<string[]> {
  goMatch(pattern, "");
  if (!hasMeta(pattern)) {
    try {
      await lstat(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const slash = pattern.lastIndexOf("/");
  let dir = pattern.slice(0, slash + 1);
  const file = pattern.slice(slash + 1);
  dir = dir === "" ? "." : dir === "/" ? "/" : dir.slice(0, -1);
  const matches: string[] = [];
  if (!hasMeta(dir)) {
    await globDir(dir, file, matches);
    return matches;
  }
  if (dir === pattern) throw new BadPatternError();
  for (const d of await goGlob(dir)) await globDir(d, file, matches);
  return matches;
}

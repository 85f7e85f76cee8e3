/**
 * POSIX regular expressions as glibc compiles them (git's --grep is basic,
 * `grep -E` is extended), translated to JavaScript. Only "does this line
 * match" is asked, so leftmost-longest versus leftmost-first never shows.
 * GNU extensions are kept: \w \W \s \S \b \B \< \> \` \' and, in basic
 * syntax, \+ \? \|.
 */

export class PosixRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PosixRegexError";
  }
}

const CLASSES: Record<string, string> = {
  alpha: "A-Za-z",
  digit: "0-9",
  alnum: "0-9A-Za-z",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  print: " -~",
  graph: "!-~",
  cntrl: "\\x00-\\x1f\\x7f",
  xdigit: "0-9A-Fa-f",
};

/** One translated piece; `quantifiable` is false for anchors and empty groups. */
interface Atom {
  src: string;
  quantifiable: boolean;
  quantified: boolean;
}

export function compilePosix(pattern: string, extended: boolean, flags = ""): RegExp {
  const src = translate(pattern, extended);
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new PosixRegexError(`Invalid regular expression (${(e as Error).message})`);
  }
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? "\\" + c : c;
}

function escapeClassChar(c: string): string {
  return /[\\\]^[-]/.test(c) ? "\\" + c : c;
}

function translate(p: string, ere: boolean): string {
  let i = 0;
  let groups = 0;
  const open: number[] = [];
  // alternatives of the current group level, each a list of atoms
  const stack: { branches: Atom[][] }[] = [{ branches: [[]] }];
  const atoms = () => stack[stack.length - 1]!.branches[stack[stack.length - 1]!.branches.length - 1]!;
  const atStart = () => atoms().length === 0;
  const push = (src: string, quantifiable = true) => atoms().push({ src, quantifiable, quantified: false });

  const quantify = (q: string) => {
    const list = atoms();
    const last = list[list.length - 1];
    if (!last || !last.quantifiable) {
      // nothing to repeat: in basic syntax the operator is literal; glibc's extended syntax also lets it be
      push(escapeChar(q[0]!));
      return;
    }
    if (last.quantified) last.src = `(?:${last.src})`;
    last.src += q;
    last.quantified = true;
  };

  const closeGroup = () => {
    if (stack.length === 1) {
      if (ere) throw new PosixRegexError("Unmatched ) or \\)");
      push("\\)");
      return;
    }
    const level = stack.pop()!;
    const body = level.branches.map((b) => b.map((a) => a.src).join("")).join("|");
    open.pop();
    push(`(${body})`);
  };

  while (i < p.length) {
    const c = p[i]!;
    if (c === "\\") {
      if (i + 1 >= p.length) throw new PosixRegexError("Trailing backslash");
      const e = p[i + 1]!;
      i += 2;
      if (!ere && e === "(") {
        stack.push({ branches: [[]] });
        open.push(++groups);
      } else if (!ere && e === ")") closeGroup();
      else if (!ere && e === "|") stack[stack.length - 1]!.branches.push([]);
      else if (!ere && e === "{") i = interval(p, i, quantify, "\\}");
      else if (!ere && (e === "+" || e === "?")) {
        if (atStart()) push(escapeChar(e));
        else quantify(e);
      } else if (/[1-9]/.test(e)) {
        if (Number(e) > groups) throw new PosixRegexError("Invalid back reference");
        push("\\" + e);
      } else if (e === "w" || e === "W" || e === "s" || e === "S") push("\\" + e);
      else if (e === "b" || e === "B") push("\\" + e, false);
      else if (e === "<") push("\\b(?=\\w)", false);
      else if (e === ">") push("\\b(?<=\\w)", false);
      else if (e === "`") push("^", false);
      else if (e === "'") push("$", false);
      else push(escapeChar(e));
      continue;
    }
    i++;
    if (c === "[") {
      const [cls, next] = bracket(p, i);
      push(cls);
      i = next;
    } else if (c === ".") push("[^\\n]");
    else if (c === "*") {
      if (atStart() && !ere) push("\\*");
      else quantify("*");
    } else if (c === "^") {
      // basic syntax: an anchor only at the start of the pattern or of a group/alternative
      if (ere || atStart()) push("^", false);
      else push("\\^");
    } else if (c === "$") {
      const endsHere = i >= p.length || p.startsWith("\\)", i) || p.startsWith("\\|", i);
      if (ere || endsHere) push("$", false);
      else push("\\$");
    } else if (ere && (c === "+" || c === "?")) quantify(c);
    else if (ere && c === "{") {
      if (/^\d*(,\d*)?\}/.test(p.slice(i))) i = interval(p, i, quantify, "}");
      else push("\\{");
    } else if (ere && c === "(") {
      stack.push({ branches: [[]] });
      open.push(++groups);
    } else if (ere && c === ")") closeGroup();
    else if (ere && c === "|") stack[stack.length - 1]!.branches.push([]);
    else push(escapeChar(c));
  }
  if (stack.length > 1) throw new PosixRegexError("Unmatched ( or \\(");
  return stack[0]!.branches.map((b) => b.map((a) => a.src).join("")).join("|");
}

/** `{m}`, `{m,}`, `{m,n}`, `{,n}` after its opening brace at `i`; returns where parsing resumes. */
function interval(p: string, i: number, quantify: (q: string) => void, close: string): number {
  const end = p.indexOf(close, i);
  if (end < 0) throw new PosixRegexError("Unmatched \\{");
  const m = /^(\d*)(,(\d*))?$/.exec(p.slice(i, end));
  if (!m || (m[1] === "" && m[2] === undefined)) throw new PosixRegexError("Invalid content of \\{\\}");
  const min = m[1] === "" ? "0" : m[1]!;
  if (m[2] === undefined) quantify(`{${min}}`);
  else {
    if (m[3] !== "" && Number(m[3]) < Number(min)) throw new PosixRegexError("Invalid content of \\{\\}");
    quantify(`{${min},${m[3]}}`);
  }
  return end + close.length;
}

/** A bracket expression starting after its '[' at `i`: members are literal, backslash included. */
function bracket(p: string, i: number): [string, number] {
  let negate = false;
  if (p[i] === "^") {
    negate = true;
    i++;
  }
  const parts: string[] = [];
  let first = true;
  let prev: string | undefined;
  while (true) {
    if (i >= p.length) throw new PosixRegexError("Unmatched [, [^, [:, [., or [=");
    const c = p[i]!;
    if (c === "]" && !first) {
      i++;
      break;
    }
    first = false;
    if (c === "[" && (p[i + 1] === ":" || p[i + 1] === "=" || p[i + 1] === ".")) {
      const kind = p[i + 1]!;
      const end = p.indexOf(kind + "]", i + 2);
      if (end < 0) throw new PosixRegexError("Unmatched [, [^, [:, [., or [=");
      const name = p.slice(i + 2, end);
      i = end + 2;
      if (kind === ":") {
        const cls = CLASSES[name];
        if (cls === undefined) throw new PosixRegexError("Invalid character class name");
        parts.push(cls);
        prev = undefined;
      } else {
        if ([...name].length !== 1) throw new PosixRegexError("Invalid collation character");
        parts.push(escapeClassChar(name));
        prev = name;
      }
      continue;
    }
    if (c === "-" && prev !== undefined && p[i + 1] !== undefined && p[i + 1] !== "]") {
      let hi = p[i + 1]!;
      i += 2;
      if (hi === "[" && p[i] === ".") {
        const end = p.indexOf(".]", i + 1);
        if (end < 0) throw new PosixRegexError("Unmatched [, [^, [:, [., or [=");
        hi = p.slice(i + 1, end);
        i = end + 2;
      }
      if (hi < prev) throw new PosixRegexError("Invalid range end");
      parts.pop();
      parts.push(`${escapeClassChar(prev)}-${escapeClassChar(hi)}`);
      prev = undefined;
      continue;
    }
    parts.push(escapeClassChar(c));
    prev = c;
    i++;
  }
  // a non-matching list never matches the newline under REG_NEWLINE
  return [`[${negate ? "^\\n" : ""}${parts.join("")}]`, i];
}

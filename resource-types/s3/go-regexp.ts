/**
 * Go's regexp (RE2 syntax) on JavaScript's engine. Upstream matches keys with
 * Go's regexp package, so a pattern must mean what it means in Go (`(?P<name>)`,
 * `\z`, `\Q..\E`, POSIX classes, `.` that stops only at \n, ASCII `\s`) and a
 * pattern Go refuses must fail with Go's words. The parser below reads Go's
 * syntax and writes an equivalent JavaScript pattern (flag `u`, no inline
 * modifiers, so Node 22 runs it too); capture names are kept on the side.
 */
import { goStrconvQuote } from "../../src/compat/logrus.ts";

/** A parse failure, worded as regexp/syntax's *Error prints itself. */
export class GoRegexpError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = "GoRegexpError";
  }
}

export interface GoRegexp {
  /** the Go pattern as given */
  readonly source: string;
  readonly regex: RegExp;
  /** SubexpNames(): index 0 is the whole match, "" for unnamed groups */
  readonly names: readonly string[];
}

const ERR = {
  invalidCharClass: "invalid character class",
  invalidCharRange: "invalid character class range",
  invalidEscape: "invalid escape sequence",
  invalidNamedCapture: "invalid named capture",
  invalidPerlOp: "invalid or unsupported Perl syntax",
  invalidRepeatOp: "invalid nested repetition operator",
  invalidRepeatSize: "invalid repeat count",
  missingBracket: "missing closing ]",
  missingParen: "missing closing )",
  missingRepeatArgument: "missing argument to repetition operator",
  trailingBackslash: "trailing backslash at end of expression",
  unexpectedParen: "unexpected )",
} as const;

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

type Range = [number, number];

const MAX_RUNE = 0x10ffff;
const PERL_SPACE: Range[] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];
const POSIX: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
    [0x5f, 0x5f],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};
const PERL_CLASS: Record<string, Range[]> = {
  d: POSIX.digit!,
  s: PERL_SPACE,
  w: POSIX.word!,
};

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function negate(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

/** The code points equal to cp under simple case folding (cp included). */
function folds(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const set = new Set<number>([cp]);
  for (const variant of [ch.toLowerCase(), ch.toUpperCase()]) {
    if ([...variant].length === 1) set.add(variant.codePointAt(0)!);
  }
  return [...set];
}

/** Adds the case variants of a range; big non-ASCII ranges are left as they are. */
function foldRanges(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    if (hi - lo > 2000) continue;
    for (let cp = lo; cp <= hi; cp++) {
      for (const f of folds(cp)) if (f !== cp) out.push([f, f]);
    }
  }
  return out;
}

function classText(ranges: Range[], negated: boolean, extra = ""): string {
  const body = ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join("");
  return `[${negated ? "^" : ""}${body}${extra}]`;
}

/** strconv.CanBackquote */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "`" || c === 0xfeff) return false;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
    if (c >= 0xd800 && c <= 0xdfff) return false;
  }
  return true;
}

/** regexp's quote(): backquotes when it can, strconv.Quote otherwise. */
export function goRegexpQuote(s: string): string {
  return canBackquote(s) ? "`" + s + "`" : goStrconvQuote(s);
}

class Parser {
  private readonly s: string[];
  private pos = 0;
  readonly names: string[] = [""];
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
    this.s = [...source];
  }

  private peek(offset = 0): string | undefined {
    return this.s[this.pos + offset];
  }

  private rest(from = this.pos): string {
    return this.s.slice(from).join("");
  }

  private text(from: number, to = this.pos): string {
    return this.s.slice(from, to).join("");
  }

  parse(): string {
    const out = this.alternation({ i: false, m: false, s: false, U: false }, 0);
    if (this.pos < this.s.length) {
      // only a stray ")" stops the top level early
      throw new GoRegexpError(ERR.unexpectedParen, this.source);
    }
    return out;
  }

  private alternation(flags: Flags, depth: number): string {
    const branches: string[] = [];
    const f = { ...flags };
    for (;;) {
      branches.push(this.concat(f, depth));
      if (this.peek() === "|") {
        this.pos++;
        continue;
      }
      break;
    }
    return branches.join("|");
  }

  private concat(flags: Flags, depth: number): string {
    let out = "";
    let last: { text: string; repeatStart: number | null } | null = null;
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === "|") return out + (last?.text ?? "");
      if (c === ")") {
        if (depth === 0) throw new GoRegexpError(ERR.unexpectedParen, this.source);
        return out + (last?.text ?? "");
      }
      const repeat = this.repeatOp();
      if (repeat !== null) {
        if (last === null) throw new GoRegexpError(ERR.missingRepeatArgument, this.text(repeat.start));
        if (last.repeatStart !== null) throw new GoRegexpError(ERR.invalidRepeatOp, this.text(last.repeatStart));
        const greedy = repeat.lazy === flags.U;
        last = { text: `(?:${last.text})${repeat.op}${greedy ? "" : "?"}`, repeatStart: repeat.start };
        continue;
      }
      if (last) out += last.text;
      if (c === "(" && this.peek(1) === "?" && this.isFlagGroup()) {
        const applied = this.flagGroup(flags);
        if (applied === "set") {
          last = null;
          continue;
        }
        last = { text: applied, repeatStart: null };
        continue;
      }
      last = { text: this.atom(flags, depth), repeatStart: null };
    }
  }

  /** A repetition operator at pos, consumed; null (nothing consumed) if there is none. */
  private repeatOp(): { op: string; lazy: boolean; start: number } | null {
    const start = this.pos;
    const c = this.peek();
    let op: string;
    if (c === "*" || c === "+" || c === "?") {
      this.pos++;
      op = c;
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.rest());
      if (!m) return null;
      this.pos += [...m[0]].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
      if (min > 1000 || max > 1000 || (max >= 0 && max < min)) {
        throw new GoRegexpError(ERR.invalidRepeatSize, this.text(start));
      }
      op = max === min ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
    } else {
      return null;
    }
    let lazy = false;
    if (this.peek() === "?") {
      this.pos++;
      lazy = true;
    }
    return { op, lazy, start };
  }

  private isFlagGroup(): boolean {
    const next = this.peek(2);
    return next !== "P" && next !== "<";
  }

  /** (?flags) changes flags for the rest of the group; (?flags:re) is a group. */
  private flagGroup(flags: Flags): "set" | string {
    const start = this.pos;
    this.pos += 2;
    const next: Flags = { ...flags };
    let negate = false;
    let sawFlag = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new GoRegexpError(ERR.invalidPerlOp, this.text(start));
      this.pos++;
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        next[c] = !negate;
        sawFlag = true;
        continue;
      }
      if (c === "-") {
        if (negate) throw new GoRegexpError(ERR.invalidPerlOp, this.text(start));
        negate = true;
        sawFlag = false;
        continue;
      }
      if (c === ")" || c === ":") {
        if (negate && !sawFlag) throw new GoRegexpError(ERR.invalidPerlOp, this.text(start));
        if (c === ")") {
          Object.assign(flags, next);
          return "set";
        }
        const inner = this.alternation(next, 1);
        if (this.peek() !== ")") throw new GoRegexpError(ERR.missingParen, this.source);
        this.pos++;
        return `(?:${inner})`;
      }
      throw new GoRegexpError(ERR.invalidPerlOp, this.text(start));
    }
  }

  private atom(flags: Flags, depth: number): string {
    const c = this.peek()!;
    if (c === "(") return this.group(flags, depth);
    if (c === "[") return this.charClass(flags);
    this.pos++;
    if (c === ".") return flags.s ? "[^]" : "[^\\n]";
    if (c === "^") return flags.m ? "(?<![^\\n])" : "^";
    if (c === "$") return flags.m ? "(?![^\\n])" : "$";
    if (c === "\\") return this.escape(flags);
    return this.literal(c.codePointAt(0)!, flags);
  }

  private literal(cp: number, flags: Flags): string {
    if (flags.i) {
      const f = folds(cp);
      if (f.length > 1) return classText(f.map((x) => [x, x] as Range), false);
    }
    return hex(cp);
  }

  private group(flags: Flags, depth: number): string {
    const start = this.pos;
    this.pos++;
    let name = "";
    if (this.peek() === "?") {
      // (?P<name>re) or (?<name>re)
      const open = this.peek(1) === "P" ? 2 : 1;
      if (this.peek(open) !== "<") throw new GoRegexpError(ERR.invalidPerlOp, this.text(start, this.pos + open + 1));
      const nameStart = this.pos + open + 1;
      const end = this.s.indexOf(">", nameStart);
      if (end < 0) throw new GoRegexpError(ERR.invalidNamedCapture, this.rest(start));
      name = this.text(nameStart, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new GoRegexpError(ERR.invalidNamedCapture, this.text(start, end + 1));
      this.pos = end + 1;
    }
    this.names.push(name);
    const inner = this.alternation(flags, depth + 1);
    if (this.peek() !== ")") throw new GoRegexpError(ERR.missingParen, this.source);
    this.pos++;
    return `(${inner})`;
  }

  /** An escape after the backslash (already consumed), outside a class. */
  private escape(flags: Flags): string {
    const start = this.pos - 1;
    const c = this.peek();
    if (c === undefined) throw new GoRegexpError(ERR.trailingBackslash, "");
    switch (c) {
      case "A":
        this.pos++;
        return "^";
      case "z":
        this.pos++;
        return "$";
      case "b":
        this.pos++;
        return "\\b";
      case "B":
        this.pos++;
        return "\\B";
      case "Q": {
        this.pos++;
        const endAt = this.rest().indexOf("\\E");
        const lit = endAt < 0 ? this.rest() : this.rest().slice(0, endAt);
        this.pos += [...lit].length + (endAt < 0 ? 0 : 2);
        return [...lit].map((ch) => this.literal(ch.codePointAt(0)!, flags)).join("");
      }
    }
    const cls = this.classEscape(start);
    if (cls !== null) {
      if (cls.kind === "property") return cls.text;
      return classText(flags.i ? foldRanges(cls.ranges) : cls.ranges, cls.negated);
    }
    return this.literal(this.charEscape(start), flags);
  }

  /** \d \s \w (and negations) and \p{..}; null if the escape is not a class. */
  private classEscape(start: number): { kind: "ranges"; ranges: Range[]; negated: boolean } | { kind: "property"; text: string } | null {
    const c = this.peek()!;
    const lower = c.toLowerCase();
    if ((lower === "d" || lower === "s" || lower === "w") && PERL_CLASS[lower]) {
      this.pos++;
      return { kind: "ranges", ranges: PERL_CLASS[lower]!, negated: c !== lower };
    }
    if (c === "p" || c === "P") {
      this.pos++;
      let name: string;
      const n = this.peek();
      if (n === undefined) throw new GoRegexpError(ERR.invalidCharRange, this.text(start));
      if (n === "{") {
        const end = this.s.indexOf("}", this.pos);
        if (end < 0) throw new GoRegexpError(ERR.invalidCharRange, this.rest(start));
        name = this.text(this.pos + 1, end);
        this.pos = end + 1;
      } else {
        name = n;
        this.pos++;
      }
      let negated = c === "P";
      if (name.startsWith("^")) {
        negated = !negated;
        name = name.slice(1);
      }
      const text = unicodeProperty(name, negated);
      if (text === null) throw new GoRegexpError(ERR.invalidCharRange, this.text(start));
      return { kind: "property", text };
    }
    return null;
  }

  /** A single-character escape after the backslash; returns the code point. */
  private charEscape(start: number): number {
    const c = this.peek()!;
    this.pos++;
    const bad = () => new GoRegexpError(ERR.invalidEscape, this.text(start));
    if (c >= "1" && c <= "7") {
      // a lone digit would be a backreference, which RE2 does not have
      const n = this.peek();
      if (n === undefined || n < "0" || n > "7") throw bad();
    }
    if (c >= "0" && c <= "7") {
      let v = c.charCodeAt(0) - 48;
      for (let k = 0; k < 2; k++) {
        const n = this.peek();
        if (n === undefined || n < "0" || n > "7") break;
        v = v * 8 + n.charCodeAt(0) - 48;
        this.pos++;
      }
      return v;
    }
    if (c === "x") {
      if (this.peek() === "{") {
        this.pos++;
        let digits = "";
        for (;;) {
          const n = this.peek();
          if (n === undefined) throw bad();
          this.pos++;
          if (n === "}") break;
          if (!/[0-9A-Fa-f]/.test(n)) throw bad();
          digits += n;
        }
        const v = parseInt(digits, 16);
        if (digits === "" || v > MAX_RUNE) throw bad();
        return v;
      }
      let digits = "";
      for (let k = 0; k < 2; k++) {
        const n = this.peek();
        if (n === undefined) throw bad();
        this.pos++;
        if (!/[0-9A-Fa-f]/.test(n)) throw bad();
        digits += n;
      }
      return parseInt(digits, 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (simple[c] !== undefined) return simple[c]!;
    const cp = c.codePointAt(0)!;
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return cp;
    throw bad();
  }

  private charClass(flags: Flags): string {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    let extra = "";
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new GoRegexpError(ERR.missingBracket, this.rest(start));
      if (c === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === "[" && this.peek(1) === ":") {
        const m = /^\[:(\^?)([a-z]*):\]/.exec(this.rest());
        if (m) {
          const set = POSIX[m[2]!];
          if (!set) throw new GoRegexpError(ERR.invalidCharRange, m[0]);
          ranges.push(...(m[1] ? negate(set) : set));
          this.pos += m[0].length;
          continue;
        }
      }
      const itemStart = this.pos;
      let lo: number;
      this.pos++;
      if (c === "\\") {
        if (this.peek() === undefined) throw new GoRegexpError(ERR.missingBracket, this.rest(start));
        const cls = this.classEscape(itemStart);
        if (cls !== null) {
          if (cls.kind === "property") extra += cls.text;
          else ranges.push(...(cls.negated ? negate(cls.ranges) : cls.ranges));
          continue;
        }
        lo = this.charEscape(itemStart);
      } else {
        lo = c.codePointAt(0)!;
      }
      let hi = lo;
      if (this.peek() === "-" && this.peek(1) !== undefined && this.peek(1) !== "]") {
        this.pos++;
        const h = this.peek()!;
        const hiStart = this.pos;
        this.pos++;
        if (h === "\\") {
          if (this.peek() === undefined) throw new GoRegexpError(ERR.missingBracket, this.rest(start));
          hi = this.charEscape(hiStart);
        } else {
          hi = h.codePointAt(0)!;
        }
        if (hi < lo) throw new GoRegexpError(ERR.invalidCharRange, this.text(itemStart));
      }
      ranges.push([lo, hi]);
    }
    return classText(flags.i ? foldRanges(ranges) : ranges, negated, extra);
  }
}

const GENERAL_CATEGORIES = new Set([
  "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
  "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
  "Sm", "So", "Z", "Zl", "Zp", "Zs",
]);

/** \p{Name} as JavaScript writes it, or null when Go would not know the name. */
function unicodeProperty(name: string, negated: boolean): string | null {
  if (name === "Any") return negated ? "[^\\u{0}-\\u{10ffff}]" : "[\\u{0}-\\u{10ffff}]";
  const body = GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`;
  const text = `\\${negated ? "P" : "p"}{${body}}`;
  try {
    new RegExp(text, "u");
  } catch {
    return null;
  }
  return text;
}

/** regexp.Compile: throws GoRegexpError with Go's message. */
export function compileGoRegexp(source: string): GoRegexp {
  const parser = new Parser(source);
  const js = parser.parse();
  let regex: RegExp;
  try {
    regex = new RegExp(js, "u");
  } catch {
    throw new GoRegexpError(ERR.invalidPerlOp, source);
  }
  return { source, regex, names: parser.names };
}

/** What Go's MustCompile panics with. */
export function mustCompileMessage(source: string, e: GoRegexpError): string {
  return `regexp: Compile(${goRegexpQuote(source)}): ${e.message}`;
}

/** FindStringSubmatch: null, or the match and every group ("" when a group took no part). */
export function findStringSubmatch(re: GoRegexp, s: string): string[] | null {
  const m = re.regex.exec(s);
  if (!m) return null;
  return Array.from({ length: re.names.length }, (_, i) => m[i] ?? "");
}

/** MatchString */
export function matchString(re: GoRegexp, s: string): boolean {
  return re.regex.test(s);
}

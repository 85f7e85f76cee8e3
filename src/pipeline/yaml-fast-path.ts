import { Document, isScalar, type SchemaOptions } from "yaml";

/**
 * A reader for the YAML most pipelines are written in: block maps and
 * sequences, one-line flow collections, plain and one-line quoted scalars,
 * literal and folded block scalars, comments. It exists for speed: the
 * `yaml` package builds tokens, a CST and a document before the plain value,
 * about 45 ms warm and several hundred cold for a 2,000-line pipeline; this
 * reads the same file in a few.
 *
 * It gives up (returns undefined) on anything else: anchors, aliases, tags,
 * merge keys, multi-line plain or quoted scalars, multi-line flow collections,
 * documents after the first, tabs, CR, keys that are not strings, duplicate
 * keys, empty list items, and everything YAML would call an error. The caller
 * then reads the text with the `yaml` package, so every message and line comes
 * from one place. What it does accept, it reads exactly as that package does
 * with the same schema: plain scalars are resolved by the schema's own tags.
 * `yaml-fast-path.test.ts` holds the two readers to the same value and lines.
 */

/** Lines of the document's keys and items, as a tree shaped like the document. */
export interface LineNode {
  line: number | undefined;
  children: Map<string | number, LineNode> | undefined;
}

export interface FastYaml {
  value: unknown;
  lines: LineNode;
}

type TagList = Extract<NonNullable<SchemaOptions["customTags"]>, (...args: never[]) => unknown> extends (tags: infer T) => unknown ? T : never;
type ScalarTag = { tag: string; default?: boolean | "key"; test?: RegExp; resolve: (value: string, onError: (message: string) => void, options: unknown) => unknown };

/** Thrown inside the reader when the text is not in the subset; never escapes it. */
class NotInSubset extends Error {}
const GIVE_UP = new NotInSubset("not in the fast path's subset");

function giveUp(): never {
  throw GIVE_UP;
}

/** The plain-scalar resolution of a schema: the same tags, in the same order, that `yaml`'s composer tries. */
interface Resolver {
  resolve(source: string): unknown;
  /** whether a plain key resolves to a string (and is kept as written) */
  isStringKey(source: string): boolean;
}

function makeResolver(customTags: (tags: TagList) => TagList): Resolver {
  const doc = new Document(null, { version: "1.1", customTags });
  const tags = (doc.schema.tags as unknown as ScalarTag[]).filter((t) => t.default === true && t.test !== undefined);
  const options = doc.options;
  const keys = new Map<string, boolean>();
  let failed = false;
  const onError = () => {
    failed = true;
  };
  const resolve = (source: string): unknown => {
    for (const tag of tags) {
      if (!tag.test!.test(source)) continue;
      failed = false;
      const resolved = tag.resolve(source, onError, options);
      // some tags answer a Scalar node (null, the booleans), whose value is what the document holds
      const value = isScalar(resolved) ? resolved.value : resolved;
      if (failed) giveUp();
      if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") giveUp();
      return value;
    }
    return source;
  };
  return {
    resolve,
    isStringKey(source) {
      let known = keys.get(source);
      if (known === undefined) {
        known = tags.every((t) => !t.test!.test(source));
        keys.set(source, known);
      }
      return known;
    },
  };
}

const resolvers = new WeakMap<object, Resolver>();

/** Reads `text`, or returns undefined when it is not in the subset (see above). */
export function readCommonYaml(text: string, customTags: (tags: TagList) => TagList): FastYaml | undefined {
  let resolver = resolvers.get(customTags);
  if (resolver === undefined) {
    resolver = makeResolver(customTags);
    resolvers.set(customTags, resolver);
  }
  // whole-text refusals: cheaper once here than per character below
  if (text.includes("\r") || text.includes("\t") || text.charCodeAt(0) === 0xfeff || /[\u0085\u2028\u2029]/.test(text)) return undefined;
  try {
    return new Reader(text, resolver).document();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** Characters a plain scalar is not read to start with: YAML's indicators, and `\` to be safe. A value may still start with `-` before a non-space (`-1`, `-ec`). */
const PLAIN_FIRST_REFUSED = new Set("-?:,[]{}#&*!|>'\"%@`\\");

class Reader {
  readonly lines: string[];
  /** the line being read (0-based) */
  li = 0;
  readonly resolver: Resolver;
  /** whether the text ends with a line break (a block scalar reaching the end is left to `yaml` when it does not) */
  readonly endsWithBreak: boolean;

  constructor(text: string, resolver: Resolver) {
    this.lines = text.split("\n");
    this.endsWithBreak = this.lines[this.lines.length - 1] === "";
    if (this.endsWithBreak) this.lines.pop();
    this.resolver = resolver;
  }

  document(): FastYaml {
    // one leading `---` is a document start; anything else at the document level (directives, more documents) is not read here
    const lines = this.lines;
    while (this.li < lines.length && (indentOf(lines[this.li]!) === lines[this.li]!.length || lines[this.li]!.charCodeAt(indentOf(lines[this.li]!)) === HASH)) this.li++;
    if (this.li < lines.length && /^---(?: +(?:#.*)?)?$/.test(lines[this.li]!)) this.li++;
    if (!this.skipToContent()) giveUp();
    const root: LineNode = { line: this.li + 1, children: undefined };
    const line = this.lines[this.li]!;
    const indent = indentOf(line);
    let value: unknown;
    if (isDash(line, indent)) value = this.blockSeq(indent, root);
    else if (this.isKeyAt(line, indent)) value = this.blockMap(indent, root);
    else giveUp();
    if (this.skipToContent()) giveUp();
    return { value, lines: root };
  }

  /**
   * Moves past blank and comment lines; false at the end. Refuses document
   * markers and directives at the start of a line, which end or start documents.
   */
  skipToContent(): boolean {
    const lines = this.lines;
    while (this.li < lines.length) {
      const line = lines[this.li]!;
      const c = line.charCodeAt(0);
      if ((c === DASH && line.startsWith("---")) || (c === 46 && line.startsWith("...")) || c === 37 /* % */) giveUp();
      const indent = indentOf(line);
      if (indent < line.length && line.charCodeAt(indent) !== HASH) return true;
      this.li++;
    }
    return false;
  }

  /** A block map whose keys stand at column `indent`; the current line holds its first key there. */
  blockMap(indent: number, node: LineNode): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (;;) {
      const line = this.lines[this.li]!;
      const { key, after } = this.keyAt(line, indent);
      if (seen.has(key) || key === "__proto__" || key === "<<") giveUp();
      seen.add(key);
      const child = childOf(node, key, this.li + 1);
      const start = skipSpaces(line, after);
      const value = start === line.length || line.charCodeAt(start) === HASH ? this.blockValue(indent, true, child) : this.inlineValue(line, start, indent, child);
      if (key in map) Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
      else map[key] = value;
      if (!this.skipToContent()) return map;
      const next = indentOf(this.lines[this.li]!);
      if (next < indent) return map;
      if (next > indent) giveUp();
    }
  }

  /** A block sequence whose dashes stand at column `indent`; the current line holds its first dash there. */
  blockSeq(indent: number, node: LineNode): unknown[] {
    const seq: unknown[] = [];
    for (;;) {
      const line = this.lines[this.li]!;
      const start = skipSpaces(line, indent + 1);
      if (start === line.length || line.charCodeAt(start) === HASH) {
        // the item starts on a later line, more indented than the dash; an empty item is left to `yaml`
        this.li++;
        if (!this.skipToContent()) giveUp();
        const inner = this.lines[this.li]!;
        const at = indentOf(inner);
        if (at <= indent) giveUp();
        seq.push(this.blockNode(inner, at, childOf(node, seq.length, this.li + 1)));
      } else {
        const child = childOf(node, seq.length, this.li + 1);
        if (isDash(line, start)) giveUp();
        seq.push(this.isKeyAt(line, start) ? this.blockMap(start, child) : this.inlineValue(line, start, indent, child));
      }
      if (!this.skipToContent()) return seq;
      const next = this.lines[this.li]!;
      const at = indentOf(next);
      if (at < indent) return seq;
      if (at > indent) giveUp();
      if (!isDash(next, at)) return seq;
    }
  }

  /** A map or sequence starting at column `at` of the current line. */
  blockNode(line: string, at: number, node: LineNode): unknown {
    if (isDash(line, at)) return this.blockSeq(at, node);
    if (this.isKeyAt(line, at)) return this.blockMap(at, node);
    return giveUp();
  }

  /**
   * The value of a key whose line ends after the colon: a block collection on
   * the lines below (a sequence may stand at the key's own column), or null.
   */
  blockValue(indent: number, compactSeq: boolean, node: LineNode): unknown {
    this.li++;
    if (!this.skipToContent()) return null;
    const line = this.lines[this.li]!;
    const at = indentOf(line);
    if (isDash(line, at) && (at > indent || (compactSeq && at === indent))) return this.blockSeq(at, node);
    if (at > indent) return this.blockNode(line, at, node);
    return null;
  }

  /** A value that starts on the current line at `start`; `indent` is its parent collection's. Moves to the next line. */
  inlineValue(line: string, start: number, indent: number, node: LineNode): unknown {
    const c = line[start]!;
    let value: unknown;
    let end: number;
    if (c === '"' || c === "'") {
      ({ value, end } = quoted(line, start));
    } else if (c === "[" || c === "{") {
      ({ value, end } = this.flow(line, start, node));
    } else if (c === "|" || c === ">") {
      return this.blockScalar(line, start, indent);
    } else {
      // `-1` or `-ec` are scalars; `- ` would be a sequence, which YAML refuses here
      if (PLAIN_FIRST_REFUSED.has(c) && !(c === "-" && start + 1 < line.length && line.charCodeAt(start + 1) !== SPACE)) giveUp();
      end = line.indexOf(" #", start);
      if (end === -1) end = line.length;
      const source = trimSpaces(line.slice(start, end));
      // `a: b: c` and a trailing colon are mappings YAML refuses here
      if (source.includes(": ") || source.endsWith(":")) giveUp();
      value = this.resolver.resolve(source);
      this.li++;
      return value;
    }
    const rest = skipSpaces(line, end);
    if (rest < line.length && !(rest > end && line.charCodeAt(rest) === HASH)) giveUp();
    this.li++;
    return value;
  }

  /** `|` or `>`, with `-` or `+`; the content lines follow, more indented than `indent`. */
  blockScalar(line: string, start: number, indent: number): string {
    const folded = line[start] === ">";
    let p = start + 1;
    const chomp = line[p] === "-" ? "strip" : line[p] === "+" ? "keep" : "clip";
    if (chomp !== "clip") p++;
    const rest = skipSpaces(line, p);
    if (rest < line.length && !(rest > p && line.charCodeAt(rest) === HASH)) giveUp();
    const lines = this.lines;
    let content = -1;
    const body: string[] = [];
    let leadingBlank = 0;
    let j = this.li + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      const at = indentOf(l);
      if (at === l.length) {
        // a blank line; one longer than the content's indent is content of its own, left to `yaml`
        if (content === -1) leadingBlank = Math.max(leadingBlank, at);
        else if (at > content) giveUp();
        body.push("");
        continue;
      }
      if (content === -1) {
        if (at <= indent || leadingBlank > at) giveUp();
        content = at;
      }
      if (at < content) break;
      body.push(l.slice(content));
    }
    if (content === -1 || (j === lines.length && !this.endsWithBreak)) giveUp();
    this.li = j;
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === "") {
      body.pop();
      trailing++;
    }
    let text: string;
    if (!folded) {
      text = body.join("\n");
    } else {
      // more-indented lines keep their breaks under rules not worth repeating here
      if (body.some((l) => l.charCodeAt(0) === SPACE)) giveUp();
      text = "";
      let blanks = 0;
      let started = false;
      for (const l of body) {
        if (l === "") {
          blanks++;
          continue;
        }
        text += started ? (blanks === 0 ? " " : "\n".repeat(blanks)) : "\n".repeat(blanks);
        text += l;
        blanks = 0;
        started = true;
      }
    }
    if (chomp === "strip") return text;
    if (chomp === "clip") return text + "\n";
    return text + "\n" + "\n".repeat(trailing);
  }

  /** A flow collection that opens and closes on this line. */
  flow(line: string, start: number, node: LineNode): { value: unknown; end: number } {
    const lineNo = this.li + 1;
    const close = line[start] === "[" ? "]" : "}";
    let p = skipSpaces(line, start + 1);
    if (line[p] === close) return { value: close === "]" ? [] : {}, end: p + 1 };
    if (close === "]") {
      const seq: unknown[] = [];
      for (;;) {
        const item = this.flowValue(line, p, childOf(node, seq.length, lineNo));
        seq.push(item.value);
        p = skipSpaces(line, item.end);
        if (line[p] === ",") {
          p = skipSpaces(line, p + 1);
          if (line[p] === close) giveUp();
        } else if (line[p] === close) {
          return { value: seq, end: p + 1 };
        } else giveUp();
      }
    }
    const map: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (;;) {
      let key: string;
      let after: number;
      const c = line[p];
      if (c === '"' || c === "'") {
        const q = quoted(line, p);
        key = q.value;
        after = q.end;
      } else {
        if (c === undefined || PLAIN_FIRST_REFUSED.has(c)) giveUp();
        after = p;
        while (after < line.length && !isFlowPlainEnd(line, after)) after++;
        key = trimSpaces(line.slice(p, after));
        if (!this.resolver.isStringKey(key)) giveUp();
      }
      if (line[after] !== ":" || line[after + 1] !== " ") giveUp();
      if (seen.has(key) || key === "__proto__" || key === "<<" || key.length > 1024) giveUp();
      seen.add(key);
      const item = this.flowValue(line, skipSpaces(line, after + 1), childOf(node, key, lineNo));
      if (key in map) Object.defineProperty(map, key, { value: item.value, writable: true, enumerable: true, configurable: true });
      else map[key] = item.value;
      p = skipSpaces(line, item.end);
      if (line[p] === ",") {
        p = skipSpaces(line, p + 1);
        if (line[p] === close) giveUp();
      } else if (line[p] === close) {
        return { value: map, end: p + 1 };
      } else giveUp();
    }
  }

  flowValue(line: string, start: number, node: LineNode): { value: unknown; end: number } {
    const c = line[start];
    if (c === undefined) giveUp();
    if (c === '"' || c === "'") return quoted(line, start);
    if (c === "[" || c === "{") return this.flow(line, start, node);
    if (PLAIN_FIRST_REFUSED.has(c) && !(c === "-" && isPlainSafe(line, start + 1))) giveUp();
    let end = start;
    while (end < line.length && !isFlowPlainEnd(line, end)) end++;
    // a colon ending the scalar makes it a key: a single-pair map, not read here
    if (line[end] === ":" || (end < line.length && line[end] === " " && line[end + 1] === "#")) giveUp();
    const source = trimSpaces(line.slice(start, end));
    return { value: this.resolver.resolve(source), end };
  }

  /** Whether a block map key starts at `start`: a scalar followed by `:` and a space or the line's end. */
  isKeyAt(line: string, start: number): boolean {
    const c = line[start];
    if (c === '"' || c === "'") {
      const end = quotedEnd(line, start);
      if (end === -1) return false;
      const p = skipSpaces(line, end);
      return line.charCodeAt(p) === COLON && (p + 1 === line.length || line.charCodeAt(p + 1) === SPACE);
    }
    if (c === "[" || c === "{") return false;
    return plainKeyEnd(line, start) !== -1;
  }

  keyAt(line: string, start: number): { key: string; after: number } {
    const c = line[start]!;
    if (c === '"' || c === "'") {
      const q = quoted(line, start);
      const p = skipSpaces(line, q.end);
      if (p !== q.end || line.charCodeAt(p) !== COLON || !(p + 1 === line.length || line.charCodeAt(p + 1) === SPACE)) giveUp();
      if (q.value.length > 1024) giveUp();
      return { key: q.value, after: p + 1 };
    }
    if (PLAIN_FIRST_REFUSED.has(c)) giveUp();
    const colon = plainKeyEnd(line, start);
    if (colon === -1) giveUp();
    const key = line.slice(start, colon);
    if (key.length > 1024 || key.charCodeAt(key.length - 1) === SPACE || /[[\]{},]/.test(key) || !this.resolver.isStringKey(key)) giveUp();
    return { key, after: colon + 1 };
  }
}

/** The colon ending a plain key at `start` (followed by a space or the line's end), or -1 when a comment or nothing comes first. */
function plainKeyEnd(line: string, start: number): number {
  let p = start;
  for (;;) {
    p = line.indexOf(":", p);
    if (p === -1) return -1;
    if (p + 1 === line.length || line.charCodeAt(p + 1) === SPACE) break;
    p++;
  }
  const comment = line.indexOf(" #", start);
  return comment !== -1 && comment < p ? -1 : p;
}

function isFlowPlainEnd(line: string, p: number): boolean {
  const c = line[p];
  if (c === "," || c === "]" || c === "}" || c === "[" || c === "{") return true;
  if (c === ":") return !isPlainSafe(line, p + 1);
  if (c === " ") return line[p + 1] === "#";
  return false;
}

/** A character that may follow `-` or `:` inside a flow plain scalar. */
function isPlainSafe(line: string, p: number): boolean {
  const c = line[p];
  return c !== undefined && c !== " " && c !== "," && c !== "[" && c !== "]" && c !== "{" && c !== "}";
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
};

/** The index after a quoted scalar's closing quote on this line, or -1. */
function quotedEnd(line: string, start: number): number {
  const q = line[start];
  for (let p = start + 1; p < line.length; p++) {
    const c = line[p];
    if (q === '"' && c === "\\") p++;
    else if (c === q) {
      if (q === "'" && line[p + 1] === "'") p++;
      else return p + 1;
    }
  }
  return -1;
}

/** A single- or double-quoted scalar closed on this line. */
function quoted(line: string, start: number): { value: string; end: number } {
  const end = quotedEnd(line, start);
  if (end === -1) giveUp();
  const body = line.slice(start + 1, end - 1);
  if (line[start] === "'") return { value: body.replaceAll("''", "'"), end };
  if (!body.includes("\\")) return { value: body, end };
  let value = "";
  for (let p = 0; p < body.length; p++) {
    const c = body[p]!;
    if (c !== "\\") {
      value += c;
      continue;
    }
    const e = body[++p]!;
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      continue;
    }
    const length = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    const hex = body.substr(p + 1, length);
    if (length === 0 || hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) giveUp();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) giveUp();
    value += String.fromCodePoint(code);
    p += length;
  }
  return { value, end };
}

function childOf(parent: LineNode, key: string | number, line: number): LineNode {
  const node: LineNode = { line, children: undefined };
  (parent.children ??= new Map()).set(key, node);
  return node;
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === SPACE) i++;
  return i;
}

/** YAML's white space here is the space alone (tabs are refused up front); String.trim would also take U+00A0 and others. */
function trimSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === SPACE) end--;
  return end === s.length ? s : s.slice(0, end);
}

function skipSpaces(line: string, p: number): number {
  while (line.charCodeAt(p) === SPACE) p++;
  return p;
}

/** `-` followed by a space or the line's end: a block sequence entry. */
function isDash(line: string, at: number): boolean {
  return line.charCodeAt(at) === DASH && (at + 1 === line.length || line.charCodeAt(at + 1) === SPACE);
}

/**
 * Reads stdin the way jq 1.6's parser does, so a malformed request fails with
 * jq's own words and position ("Unfinished JSON term at EOF at line 2,
 * column 0"). The scanner is a byte-at-a-time state machine like jq's: a
 * value is complete the moment its last byte is seen, literals are checked
 * when the next non-literal byte arrives, and lines/columns count bytes.
 */
import type { JqObject, JqValue } from "./value.ts";

export interface JqParsed {
  /** every complete top-level value, in order */
  values: JqValue[];
  /** 1-based line on which each value ended (jq's `<stdin>:N` in runtime errors) */
  endLines: number[];
  /** the parse error jq stops at, without its "parse error: " prefix */
  error?: string;
}

/** jq 1.6 refuses to nest deeper than this. */
const MAX_DEPTH = 256;

type Frame = { kind: "array"; items: JqValue[] } | { kind: "object"; map: JqObject } | { kind: "key"; key: string };

const NONE = Symbol("none");

export function parseJq(text: string): JqParsed {
  const bytes = Buffer.from(text, "utf8");
  const values: JqValue[] = [];
  const endLines: number[] = [];
  const stack: Frame[] = [];
  let next: JqValue | typeof NONE = NONE;
  let token: number[] = [];
  let inString = false;
  let escaped = false;
  let line = 1;
  let column = 0;

  const value = (v: JqValue): string | undefined => {
    if (next !== NONE) return "Expected separator between values";
    next = v;
    return undefined;
  };

  const checkLiteral = (): string | undefined => {
    if (token.length === 0) return undefined;
    const word = Buffer.from(token).toString("latin1");
    token = [];
    const patterns: Record<string, [string, JqValue]> = { t: ["true", true], f: ["false", false], n: ["null", null] };
    const pattern = patterns[word[0]!];
    if (pattern) return word === pattern[0] ? value(pattern[1]) : "Invalid literal";
    const n = parseNumber(word);
    return n === undefined ? "Invalid numeric literal" : value(n);
  };

  const foundString = (): string | undefined => {
    const raw = token;
    token = [];
    const out: number[] = [];
    for (let i = 0; i < raw.length; ) {
      const c = raw[i++]!;
      if (c !== 0x5c) {
        // jq compares a signed char: bytes >= 0x80 and NUL pass, and 0x1f slips through its `< 0x1f`
        if (c > 0 && c < 0x1f) return "Invalid string: control characters from U+0000 through U+001F must be escaped";
        out.push(c);
        continue;
      }
      if (i >= raw.length) return "Expected escape character at end of string";
      const e = raw[i++]!;
      const simple: Record<number, number> = { 0x5c: 0x5c, 0x22: 0x22, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x74: 9, 0x6e: 10, 0x72: 13 };
      if (simple[e] !== undefined) {
        out.push(simple[e]);
        continue;
      }
      if (e !== 0x75) return "Invalid escape";
      if (i + 4 > raw.length) return "Invalid \\uXXXX escape";
      let cp = unhex4(raw, i);
      if (cp < 0) return "Invalid characters in \\uXXXX escape";
      i += 4;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        const low = i + 6 <= raw.length && raw[i] === 0x5c && raw[i + 1] === 0x75 ? unhex4(raw, i + 2) : -1;
        if (low < 0xdc00 || low > 0xdfff) return "Invalid \\uXXXX\\uXXXX surrogate pair escape";
        i += 6;
        cp = 0x10000 + (((cp - 0xd800) << 10) | (low - 0xdc00));
      }
      if (cp >= 0xdc00 && cp <= 0xdfff) cp = 0xfffd;
      out.push(...Buffer.from(String.fromCodePoint(cp), "utf8"));
    }
    return value(Buffer.from(out).toString("utf8"));
  };

  const structure = (ch: number): string | undefined => {
    const top = stack[stack.length - 1];
    switch (ch) {
      case 0x5b: // [
      case 0x7b: // {
        if (stack.length >= MAX_DEPTH) return "Exceeds depth limit for parsing";
        if (next !== NONE) return "Expected separator between values";
        stack.push(ch === 0x5b ? { kind: "array", items: [] } : { kind: "object", map: new Map() });
        return undefined;
      case 0x3a: // :
        if (!top || top.kind !== "object") return "':' not as part of an object";
        if (next === NONE) return "Expected string key before ':'";
        if (typeof next !== "string") return "Object keys must be strings";
        stack.push({ kind: "key", key: next });
        next = NONE;
        return undefined;
      case 0x2c: // ,
        if (next === NONE) return "Expected value before ','";
        if (!top) return "',' not as part of an object or array";
        if (top.kind === "array") top.items.push(next);
        else if (top.kind === "key") {
          stack.pop();
          (stack[stack.length - 1] as { map: JqObject }).map.set(top.key, next);
        } else return "Objects must consist of key:value pairs";
        next = NONE;
        return undefined;
      case 0x5d: // ]
        if (!top || top.kind !== "array") return "Unmatched ']'";
        if (next !== NONE) top.items.push(next);
        else if (top.items.length !== 0) return "Expected another array element";
        stack.pop();
        next = top.items;
        return undefined;
      default: {
        // }
        if (!top) return "Unmatched '}'";
        if (next !== NONE) {
          if (top.kind !== "key") return "Objects must consist of key:value pairs";
          stack.pop();
          (stack[stack.length - 1] as { map: JqObject }).map.set(top.key, next);
          next = NONE;
        } else {
          if (top.kind !== "object") return "Unmatched '}'";
          if (top.map.size !== 0) return "Expected another key-value pair";
        }
        const obj = stack.pop() as { map: JqObject };
        next = obj.map;
        return undefined;
      }
    }
  };

  const emitIfDone = () => {
    if (stack.length === 0 && next !== NONE) {
      values.push(next);
      endLines.push(line);
      next = NONE;
    }
  };

  for (const ch of bytes) {
    column++;
    if (ch === 0x0a) {
      line++;
      column = 0;
    }
    let msg: string | undefined;
    if (inString) {
      if (ch === 0x22 && !escaped) {
        inString = false;
        msg = foundString();
        if (msg === undefined) emitIfDone();
      } else {
        token.push(ch);
        escaped = ch === 0x5c && !escaped;
      }
    } else {
      const cls = classify(ch);
      if (cls !== "literal") {
        msg = checkLiteral();
        if (msg === undefined && cls === "structure") msg = structure(ch);
      }
      if (msg === undefined) {
        if (cls === "literal") token.push(ch);
        else if (cls === "quote") {
          inString = true;
          escaped = false;
        }
        emitIfDone();
      }
    }
    if (msg !== undefined) return { values, endLines, error: `${msg} at line ${line}, column ${column}` };
  }
  if (inString) return { values, endLines, error: `Unfinished string at EOF at line ${line}, column ${column}` };
  const literal = checkLiteral();
  if (literal !== undefined) return { values, endLines, error: `${literal} at EOF at line ${line}, column ${column}` };
  if (stack.length > 0) return { values, endLines, error: `Unfinished JSON term at EOF at line ${line}, column ${column}` };
  emitIfDone();
  return { values, endLines };
}

function classify(ch: number): "whitespace" | "quote" | "structure" | "literal" {
  if (ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0x0a) return "whitespace";
  if (ch === 0x22) return "quote";
  if (ch === 0x5b || ch === 0x2c || ch === 0x5d || ch === 0x7b || ch === 0x3a || ch === 0x7d) return "structure";
  return "literal";
}

function unhex4(raw: number[], at: number): number {
  const s = Buffer.from(raw.slice(at, at + 4)).toString("latin1");
  return /^[0-9a-fA-F]{4}$/.test(s) ? parseInt(s, 16) : -1;
}

/** What jq's strtod accepts for a whole token (it also takes "1.", ".5", "+1" and "infinity"). */
function parseNumber(word: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(word)) return Number(word);
  if (/^[+-]?inf(inity)?$/i.test(word)) return word.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(word)) return NaN;
  return undefined;
}

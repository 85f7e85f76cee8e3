/**
 * JSON as Go's encoding/json reads and writes it. Upstream resource types are
 * Go programs; a drop-in must accept what they accept (the first JSON value on
 * stdin, keys matched case-insensitively, duplicate keys last-wins), fail with
 * the same words, and print the same bytes (HTML-safe escapes, a newline after
 * each value written by json.Encoder).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A syntax error worded as Go's json.Decoder words it. */
export class GoJsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoJsonSyntaxError";
  }
}

/** Go's quoteChar: how a byte is shown inside an error message. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) {
    const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v" };
    return `'${named[c] ?? "\\x" + code.toString(16).padStart(2, "0")}'`;
  }
  return `'${c}'`;
}

const WS = new Set([" ", "\t", "\n", "\r"]);

/**
 * Parses the first JSON value of `text` and ignores what follows it, as
 * json.NewDecoder(os.Stdin).Decode does. Throws GoJsonSyntaxError.
 */
export function decodeFirstGoJson(text: string): JsonValue {
  let i = 0;
  const n = text.length;
  const eof = (): never => {
    throw new GoJsonSyntaxError("unexpected EOF");
  };
  const bad = (context: string): never => {
    throw new GoJsonSyntaxError(`invalid character ${quoteChar(String.fromCodePoint(text.codePointAt(i)!))} ${context}`);
  };
  const skipWs = () => {
    while (i < n && WS.has(text[i]!)) i++;
  };

  const parseValue = (): JsonValue => {
    skipWs();
    if (i >= n) eof();
    const c = text[i]!;
    if (c === "{") return parseObject();
    if (c === "[") return parseArray();
    if (c === '"') return parseString();
    if (c === "-" || (c >= "0" && c <= "9")) return parseNumber();
    if (c === "t") return parseLiteral("true", true);
    if (c === "f") return parseLiteral("false", false);
    if (c === "n") return parseLiteral("null", null);
    return bad("looking for beginning of value");
  };

  const parseLiteral = <T extends JsonValue>(word: string, value: T): T => {
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= n) eof();
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
    return value;
  };

  const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

  const parseNumber = (): number => {
    const start = i;
    if (text[i] === "-") {
      i++;
      if (i >= n) eof();
      if (!isDigit(text[i])) bad("in numeric literal");
    }
    if (text[i] === "0") i++;
    else while (isDigit(text[i])) i++;
    if (text[i] === ".") {
      i++;
      if (i >= n) eof();
      if (!isDigit(text[i])) bad("after decimal point in numeric literal");
      while (isDigit(text[i])) i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (i >= n) eof();
      if (!isDigit(text[i])) bad("in exponent of numeric literal");
      while (isDigit(text[i])) i++;
    }
    return Number(text.slice(start, i));
  };

  const parseString = (): string => {
    i++; // opening quote
    let out = "";
    for (;;) {
      if (i >= n) eof();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\") {
        i++;
        if (i >= n) eof();
        const e = text[i]!;
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) {
          out += simple[e];
          i++;
        } else if (e === "u") {
          i++;
          for (let k = 0; k < 4; k++) {
            if (i + k >= n) {
              i = n;
              eof();
            }
            if (!/[0-9a-fA-F]/.test(text[i + k]!)) {
              i += k;
              bad("in \\u hexadecimal character escape");
            }
          }
          out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
          i += 4;
        } else {
          bad("in string escape code");
        }
        continue;
      }
      if (c < " ") bad("in string literal");
      out += c;
      i++;
    }
  };

  const parseArray = (): JsonValue[] => {
    i++;
    const arr: JsonValue[] = [];
    skipWs();
    if (i >= n) eof();
    if (text[i] === "]") {
      i++;
      return arr;
    }
    for (;;) {
      arr.push(parseValue());
      skipWs();
      if (i >= n) eof();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return arr;
      }
      bad("after array element");
    }
  };

  const parseObject = (): { [key: string]: JsonValue } => {
    i++;
    const obj: { [key: string]: JsonValue } = {};
    skipWs();
    if (i >= n) eof();
    if (text[i] === "}") {
      i++;
      return obj;
    }
    for (;;) {
      skipWs();
      if (i >= n) eof();
      if (text[i] !== '"') bad("looking for beginning of object key string");
      const key = parseString();
      skipWs();
      if (i >= n) eof();
      if (text[i] !== ":") bad("after object key");
      i++;
      const value = parseValue();
      // defineProperty: a key named __proto__ is data, not a prototype change
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      skipWs();
      if (i >= n) eof();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return obj;
      }
      bad("after object key:value pair");
    }
  };

  skipWs();
  if (i >= n) throw new GoJsonSyntaxError("EOF");
  return parseValue();
}

/** The JSON kind Go names in "cannot unmarshal X into ..." messages. */
export function goJsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  if (typeof v === "boolean") return "bool";
  return typeof v; // "string" | "number"
}

export function isJsonObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Maps the keys of a decoded object onto a Go struct's field names the way
 * encoding/json does: exact match first, then case-insensitive, later keys
 * overwriting earlier ones. Returns the object under canonical names and the
 * keys that matched no field (for DisallowUnknownFields).
 */
export function foldGoKeys(
  obj: { [key: string]: JsonValue },
  fields: readonly string[],
): { value: { [key: string]: JsonValue }; unknown: string[] } {
  const value: { [key: string]: JsonValue } = {};
  const unknown: string[] = [];
  for (const [key, v] of Object.entries(obj)) {
    const field = fields.includes(key) ? key : fields.find((f) => f.toLowerCase() === key.toLowerCase());
    if (field === undefined) unknown.push(key);
    else Object.defineProperty(value, field, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { value, unknown };
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** A JSON string as Go's encoder writes it (HTML-safe). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = ESCAPES[ch];
    if (esc !== undefined) out += esc;
    else if (ch < " ") out += "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0");
    else if (ch.length === 1 && ch >= "\ud800" && ch <= "\udfff") out += "\\ufffd"; // lone surrogate: invalid UTF-8 in Go
    else out += ch;
  }
  return out + '"';
}

/** A float64 as Go's encoder writes it. */
function goNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`json: unsupported value: ${x}`);
  // JS and Go switch to exponent form at the same magnitudes (1e21, 1e-6) and
  // both print the shortest round-tripping digits.
  return Object.is(x, -0) ? "-0" : String(x);
}

/**
 * Go's json.Marshal. `sortKeys` is true for map[string]interface{} values
 * (Go sorts map keys) and false for structs, whose field order the caller
 * builds into the object. Absent (undefined) properties are omitted, as
 * `omitempty` fields are.
 */
export function goMarshal(value: unknown, sortKeys = false): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number") return goNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return "[" + value.map((v) => goMarshal(v, sortKeys)).join(",") + "]";
  if (typeof value === "object") {
    let keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (sortKeys) keys = keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return "{" + keys.map((k) => goQuote(k) + ":" + goMarshal((value as Record<string, unknown>)[k], sortKeys)).join(",") + "}";
  }
  throw new Error(`json: unsupported type: ${typeof value}`);
}

/** What json.NewEncoder(w).Encode(v) writes: the value and a newline. */
export function goEncode(value: unknown, sortKeys = false): string {
  return goMarshal(value, sortKeys) + "\n";
}

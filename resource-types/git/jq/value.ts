/**
 * JSON values as jq 1.6 holds and prints them. Upstream's scripts pass every
 * request field through jq, so what a field "is" to them is what jq prints:
 * objects keep first-insertion key order (a Map, since plain JS objects move
 * integer-like keys first), and printing follows jq's own escaping rules.
 */

export type JqValue = null | boolean | number | string | JqValue[] | JqObject;
export type JqObject = Map<string, JqValue>;

export function isJqObject(v: JqValue): v is JqObject {
  return v instanceof Map;
}

/** jq's kind names, as its error messages use them. */
export function kindName(v: JqValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (Array.isArray(v)) return "array";
  return "object";
}

/** jq treats only null and false as false (`//`, `select`). */
export function truthy(v: JqValue): boolean {
  return v !== null && v !== false;
}

/** A number as jq 1.6 prints it: shortest round-trip digits, infinities clamped, NaN as null. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "null";
  if (n === Infinity) return "1.7976931348623157e+308";
  if (n === -Infinity) return "-1.7976931348623157e+308";
  if (Object.is(n, -0)) return "-0";
  return String(n);
}

/** A string literal as jq prints it: only quote, backslash and control characters are escaped. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c < 0x20 || c === 0x7f) {
      const short: Record<string, string> = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r" };
      out += short[ch] ?? "\\u" + c.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

/** `jq -c`: no whitespace at all. */
export function dumpCompact(v: JqValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return quoteString(v);
  if (Array.isArray(v)) return "[" + v.map(dumpCompact).join(",") + "]";
  return "{" + [...v].map(([k, x]) => quoteString(k) + ":" + dumpCompact(x)).join(",") + "}";
}

/** jq's default output: two-space indentation, `"key": value`, empty containers on one line. */
export function dumpPretty(v: JqValue, indent = ""): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    const inner = indent + "  ";
    return "[\n" + v.map((x) => inner + dumpPretty(x, inner)).join(",\n") + "\n" + indent + "]";
  }
  if (isJqObject(v)) {
    if (v.size === 0) return "{}";
    const inner = indent + "  ";
    const lines = [...v].map(([k, x]) => inner + quoteString(k) + ": " + dumpPretty(x, inner));
    return "{\n" + lines.join(",\n") + "\n" + indent + "}";
  }
  return dumpCompact(v);
}

/** `jq -r`: strings bare, everything else as jq would print it. */
export function rawText(v: JqValue): string {
  return typeof v === "string" ? v : dumpPretty(v);
}

/**
 * The value excerpt in jq 1.6 error messages ("string (\"abcdefghij...)"): the
 * compact dump cut to 14 bytes, its last three replaced by dots when cut.
 */
export function truncatedDump(v: JqValue): string {
  const bytes = Buffer.from(dumpCompact(v), "utf8");
  if (bytes.length <= 14) return bytes.toString("utf8");
  return bytes.subarray(0, 11).toString("utf8") + "...";
}

/** Converts to plain JSON-like JS values (for zod); key order no longer matters there. */
export function toPlain(v: JqValue): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isJqObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) Object.defineProperty(out, k, { value: toPlain(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

/** jq's equality (used by array subtraction): structural, objects regardless of order. */
export function jqEqual(a: JqValue, b: JqValue): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jqEqual(x, b[i]!));
  if (isJqObject(a)) {
    if (!isJqObject(b) || a.size !== b.size) return false;
    for (const [k, x] of a) if (!b.has(k) || !jqEqual(x, b.get(k)!)) return false;
    return true;
  }
  return a === b;
}

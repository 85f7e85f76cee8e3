/**
 * Go's json.Unmarshal into a declared struct with DisallowUnknownFields, over
 * an already-parsed JSON value: which keys match which field, what null does,
 * how the first problem is worded, and that decoding carries on past a problem
 * (so the error reported is the first in document order).
 */
import { goJsonKind, isJsonObject, type JsonValue } from "./go-json.ts";
import { goStrconvQuote } from "./logrus.ts";

export interface GoStruct {
  kind: "struct";
  /** package and type name, as reflect prints them: "resource.Source" */
  pkg: string;
  name: string;
  fields: Readonly<Record<string, GoType>>;
}

export type GoType =
  | { kind: "string" }
  | { kind: "bool" }
  /** interface{}: any JSON value, numbers as float64 */
  | { kind: "any" }
  | { kind: "map"; elem: GoType }
  | { kind: "slice"; elem: GoType }
  | { kind: "pointer"; elem: GoStruct }
  | GoStruct;

export const goString: GoType = { kind: "string" };
export const goBool: GoType = { kind: "bool" };
export const goAny: GoType = { kind: "any" };

export function goTypeName(t: GoType): string {
  switch (t.kind) {
    case "string":
    case "bool":
      return t.kind;
    case "any":
      return "interface {}";
    case "map":
      return `map[string]${goTypeName(t.elem)}`;
    case "slice":
      return `[]${goTypeName(t.elem)}`;
    case "pointer":
      return `*${goTypeName(t.elem)}`;
    case "struct":
      return `${t.pkg}.${t.name}`;
  }
}

/** Where the decoder is, for "Go struct field X.a.b" in messages. */
interface Place {
  struct: string;
  path: readonly string[];
}

export interface GoDecodeResult {
  value: unknown;
  /** the first problem, worded as encoding/json words it */
  error?: string;
}

/**
 * Decodes `json` into `type`. Missing scalar fields come out as Go's zero
 * values ("" and false); nil maps, slices and pointers come out undefined.
 * `rawText` (the request as sent) lets an overflowing number be quoted as Go
 * quotes it.
 */
export function decodeGoValue(json: JsonValue, type: GoType, rawText = ""): GoDecodeResult {
  let error: string | undefined;
  const save = (message: string) => {
    error ??= message;
  };
  const typeError = (value: string, t: GoType | "float64", at: Place) => {
    // a pointer is allocated before the mismatch is found, so Go names the pointee
    const target = t === "float64" ? t : goTypeName(t.kind === "pointer" ? t.elem : t);
    save(
      at.struct !== "" || at.path.length > 0
        ? `json: cannot unmarshal ${value} into Go struct field ${at.struct}.${at.path.join(".")} of type ${target}`
        : `json: cannot unmarshal ${value} into Go value of type ${target}`,
    );
  };

  const decode = (v: JsonValue, t: GoType, current: unknown, at: Place): unknown => {
    if (v === null) {
      // null empties reference kinds and leaves everything else untouched
      if (t.kind === "any") return null;
      if (t.kind === "map" || t.kind === "slice" || t.kind === "pointer") return undefined;
      return current;
    }
    switch (t.kind) {
      case "string":
        if (typeof v === "string") return v;
        typeError(goJsonKind(v), t, at);
        return current;
      case "bool":
        if (typeof v === "boolean") return v;
        typeError(goJsonKind(v), t, at);
        return current;
      case "any":
        checkFloat64(v, at);
        return v;
      case "map": {
        if (!isJsonObject(v)) {
          typeError(goJsonKind(v), t, at);
          return current;
        }
        // decoding into an existing map adds to it, as a repeated key does in Go
        const out: Record<string, unknown> = isJsonObject(current) ? { ...current } : {};
        for (const [key, ev] of Object.entries(v)) define(out, key, decode(ev, t.elem, undefined, at));
        return out;
      }
      case "slice": {
        if (!Array.isArray(v)) {
          typeError(goJsonKind(v), t, at);
          return current;
        }
        const previous = Array.isArray(current) ? current : [];
        return v.map((ev, i) => decode(ev, t.elem, previous[i], at));
      }
      case "pointer":
        return decode(v, t.elem, current, at);
      case "struct": {
        if (!isJsonObject(v)) {
          typeError(goJsonKind(v), t, at);
          return current ?? zeroStruct(t);
        }
        const out: Record<string, unknown> = isJsonObject(current) ? { ...current } : zeroStruct(t);
        for (const [key, ev] of Object.entries(v)) {
          const field = matchField(key, Object.keys(t.fields));
          if (field === undefined) {
            save(`json: unknown field ${goStrconvQuote(key)}`);
            continue;
          }
          define(out, field, decode(ev, t.fields[field]!, out[field], { struct: t.name, path: [...at.path, field] }));
        }
        return out;
      }
    }
  };

  const checkFloat64 = (v: JsonValue, at: Place): void => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      // inside interface{} Go converts numbers to float64, which this one overflows
      typeError(overflowingLiteral(rawText), "float64", at);
    } else if (Array.isArray(v)) v.forEach((e) => checkFloat64(e, at));
    else if (isJsonObject(v)) Object.values(v).forEach((e) => checkFloat64(e, at));
  };

  const value = decode(json, type, undefined, { struct: "", path: [] });
  return error === undefined ? { value } : { value, error };
}

function zeroStruct(t: GoStruct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ft] of Object.entries(t.fields)) {
    if (ft.kind === "string") out[name] = "";
    else if (ft.kind === "bool") out[name] = false;
    else if (ft.kind === "struct") out[name] = zeroStruct(ft);
  }
  return out;
}

function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty: a key named __proto__ stays data
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * encoding/json matches a key to a field exactly, else case-insensitively
 * with Unicode simple folding, under which ſ (U+017F) is an s and the Kelvin
 * sign (U+212A) a k.
 */
export function matchField(key: string, fields: readonly string[]): string | undefined {
  if (fields.includes(key)) return key;
  const folded = foldName(key);
  return fields.find((f) => foldName(f) === folded);
}

function foldName(s: string): string {
  return s.replace(/[a-z\u017f\u212a]/g, (c) => (c === "\u017f" ? "S" : c === "\u212a" ? "K" : c.toUpperCase()));
}

/** Go quotes a number too large for float64 as written ("number 1e400"). */
function overflowingLiteral(rawText: string): string {
  const strings = /"(?:[^"\\]|\\.)*"/g;
  for (const m of rawText.replace(strings, '""').matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (!Number.isFinite(Number(m[0]))) return `number ${m[0]}`;
  }
  return "number";
}

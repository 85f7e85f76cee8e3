/**
 * `((var))` references filled at run time: local vars (`((.:name))`, set by
 * across and load_var) in step configs, and a task file's own vars. The rules
 * are Concourse's: a string that is one reference takes the value as it is
 * (a list stays a list), a reference inside a longer string takes the value's
 * text, and lists or maps cannot be part of a string.
 */
import { JetwayError } from "../../protocol/errors.ts";

export interface VarRef {
  /** the text between the brackets, as written */
  text: string;
  /** `.` for local vars; undefined when no source is named */
  source: string | undefined;
  name: string;
  fields: string[];
}

/** found: the var's value; missing: an error; skip: leave the reference as written. */
export type VarAnswer = { found: true; value: unknown } | { found: false } | "skip";
export type VarLookup = (ref: VarRef) => VarAnswer;

const REFERENCE = /\(\(([^()]+)\)\)/g;
const WHOLE = /^\(\(([^()]+)\)\)$/;

/** `source:name.field."quoted.field"` -> its parts. */
export function parseVarRef(text: string): VarRef {
  const inner = text.trim();
  let source: string | undefined;
  let path = inner;
  const colon = /^([^:"]+):(.*)$/.exec(inner);
  if (colon) {
    source = colon[1]?.trim();
    path = colon[2] ?? "";
  }
  const segments: string[] = [];
  for (const match of path.matchAll(/"([^"]*)"|([^.]+)/g)) segments.push(match[1] ?? match[2]?.trim() ?? "");
  const [name = "", ...fields] = segments;
  return { text: inner, source, name, fields };
}

/** Fills the references `lookup` answers in every string (and map key) of `value`. */
export function interpolate(value: unknown, lookup: VarLookup, where: string): unknown {
  if (typeof value === "string") return interpolateString(value, lookup, where);
  if (Array.isArray(value)) return value.map((item) => interpolate(item, lookup, where));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const newKey = interpolateString(key, lookup, where);
      out[typeof newKey === "string" ? newKey : key] = interpolate(item, lookup, where);
    }
    return out;
  }
  return value;
}

function interpolateString(text: string, lookup: VarLookup, where: string): unknown {
  if (!text.includes("((")) return text;
  const whole = WHOLE.exec(text);
  if (whole) {
    const ref = parseVarRef(whole[1] ?? "");
    const answer = resolve(ref, lookup, where);
    return answer === undefined ? text : answer.value;
  }
  return text.replace(REFERENCE, (written, inner: string) => {
    const ref = parseVarRef(inner);
    const answer = resolve(ref, lookup, where);
    if (answer === undefined) return written;
    const { value } = answer;
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw new JetwayError("INVALID_CONFIG", `${where}: var ((${ref.text})) holds ${describe(value)} and cannot be part of a string`);
  });
}

function resolve(ref: VarRef, lookup: VarLookup, where: string): { value: unknown } | undefined {
  const answer = lookup(ref);
  if (answer === "skip") return undefined;
  if (!answer.found) throw new JetwayError("VAR_MISSING", `${where}: undefined var ((${ref.text}))`);
  let value = answer.value;
  for (const field of ref.fields) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, field)) {
      throw new JetwayError("VAR_MISSING", `${where}: var ((${ref.text})) has no field ${JSON.stringify(field)}`);
    }
    value = (value as Record<string, unknown>)[field];
  }
  return { value };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "null";
  return Array.isArray(value) ? "a list" : "a map";
}

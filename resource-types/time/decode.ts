import { decodeFirstGoJson, GoJsonSyntaxError, goJsonKind, isJsonObject, type JsonValue } from "../../src/compat/go-json.ts";
import { GoDurationError, parseGoDuration } from "../../src/compat/go-duration.ts";
import { GoTimeError, isZero, loadLocation, parseRFC3339, type GoLocation, type GoTime } from "../../src/compat/go-time.ts";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { CheckRequest, InRequest, OutRequest } from "../../src/protocol/types.ts";
import { sourceSchema, versionSchema, type TimeVersion } from "./schema.ts";
import { parseStartAfter } from "./start-after.ts";
import { parseTimeOfDay, type TimeOfDay } from "./time-of-day.ts";
import { parseWeekday } from "./weekday.ts";

/**
 * Requests decoded as upstream's json.Decoder fills its structs: the first
 * JSON value on stdin, keys matched case-insensitively, unknown keys and
 * nulls ignored. Go's two kinds of failure are kept apart because they
 * decide which message wins: a value of the wrong JSON type is remembered
 * and decoding goes on (the first one is reported at the end), while an
 * error from one of the fields' own parsers stops decoding at once.
 */

/** The source after decoding; null means the key was absent or null. */
export interface TimeSource {
  initialVersion: boolean;
  interval: bigint | null;
  start: TimeOfDay | null;
  stop: TimeOfDay | null;
  /** 0 = Sunday; an empty list is kept (it prints as [] in the input file) */
  days: number[] | null;
  location: GoLocation | null;
  startAfter: GoTime | null;
}

export const ZERO_VERSION_TIME = "0001-01-01T00:00:00Z";

type RequestStruct = "CheckRequest" | "InRequest" | "OutRequest";

const SOURCE_FIELDS = ["initial_version", "interval", "start", "stop", "days", "location", "start_after"] as const;
type SourceField = (typeof SOURCE_FIELDS)[number];

/** A field's own UnmarshalJSON failed: Go returns this error, whatever was saved before. */
class Abort {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

interface Decoding {
  /** the first wrong-type error, reported if nothing aborts */
  saved: string | undefined;
  source: TimeSource;
  /** what each source key last held, for the schema check */
  rawSource: Record<string, JsonValue>;
  version: { raw: string; time: GoTime } | undefined;
}

/** encoding/json's field match: exact name first, then ignoring case. */
function fieldFor<F extends string>(key: string, fields: readonly F[]): F | undefined {
  return fields.find((f) => f === key) ?? fields.find((f) => f.toLowerCase() === key.toLowerCase());
}

function save(d: Decoding, message: string): void {
  d.saved ??= message;
}

/** Runs a field's parser the way its UnmarshalJSON would fail. */
function custom<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof GoTimeError || e instanceof GoDurationError) throw new Abort(e.message);
    throw e;
  }
}

function emptySource(): TimeSource {
  return { initialVersion: false, interval: null, start: null, stop: null, days: null, location: null, startAfter: null };
}

function decodeSource(value: JsonValue, parent: RequestStruct, d: Decoding): void {
  if (value === null) return;
  if (!isJsonObject(value)) {
    save(d, `json: cannot unmarshal ${goJsonKind(value)} into Go struct field ${parent}.source of type models.Source`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = fieldFor(key, SOURCE_FIELDS);
    if (field === undefined) continue;
    d.rawSource[field] = v;
    decodeSourceField(field, v, d);
  }
}

function decodeSourceField(field: SourceField, v: JsonValue, d: Decoding): void {
  // the custom unmarshalers decode a string first; Go then names the field as context
  const typeError = (what: JsonValue, goType: string) =>
    `json: cannot unmarshal ${goJsonKind(what)} into Go struct field Source.source.${field} of type ${goType}`;
  const text = (): string => {
    if (typeof v !== "string") throw new Abort(typeError(v, "string"));
    return v;
  };
  const src = d.source;
  switch (field) {
    case "initial_version":
      if (typeof v === "boolean") src.initialVersion = v;
      else if (v !== null) save(d, typeError(v, "bool"));
      return;
    case "days":
      if (v === null) src.days = null;
      else if (!Array.isArray(v)) save(d, typeError(v, "[]models.Weekday"));
      else {
        src.days = v.map((el) => {
          // a null element still reaches Weekday.UnmarshalJSON, which then sees ""
          if (el !== null && typeof el !== "string") throw new Abort(typeError(el, "string"));
          return custom(() => parseWeekday(el ?? ""));
        });
      }
      return;
  }
  if (v === null) {
    nullField(src, field);
    return;
  }
  const s = text();
  switch (field) {
    case "interval":
      src.interval = custom(() => parseGoDuration(s));
      return;
    case "start":
      src.start = custom(() => parseTimeOfDay(s));
      return;
    case "stop":
      src.stop = custom(() => parseTimeOfDay(s));
      return;
    case "location":
      src.location = custom(() => loadLocation(s));
      return;
    case "start_after":
      src.startAfter = custom(() => parseStartAfter(s));
      return;
  }
}

function nullField(src: TimeSource, field: Exclude<SourceField, "initial_version" | "days">): void {
  if (field === "interval") src.interval = null;
  else if (field === "start") src.start = null;
  else if (field === "stop") src.stop = null;
  else if (field === "location") src.location = null;
  else src.startAfter = null;
}

function decodeVersion(value: JsonValue, parent: RequestStruct, d: Decoding): void {
  if (value === null) return;
  if (!isJsonObject(value)) {
    save(d, `json: cannot unmarshal ${goJsonKind(value)} into Go struct field ${parent}.version of type models.Version`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (fieldFor(key, ["time"]) === undefined || v === null) continue;
    if (typeof v !== "string") throw new Abort("Time.UnmarshalJSON: input is not a JSON string");
    // Go parses the string's raw JSON text, escapes and all
    const raw = JSON.stringify(v).slice(1, -1);
    d.version = { raw, time: custom(() => parseRFC3339(raw)) };
  }
}

function parseError(code: "INVALID_REQUEST" | "MALFORMED_REQUEST", message: string): JetwayError {
  // stderr verbatim: "unknown weekday: " keeps its trailing space, as Go prints it
  const line = `parse error: ${message}`;
  return new JetwayError(code, line, { stderr: line });
}

function decode(stdin: string, struct: RequestStruct): Decoding {
  let value: JsonValue;
  try {
    value = decodeFirstGoJson(stdin);
  } catch (e) {
    if (e instanceof GoJsonSyntaxError) throw parseError("MALFORMED_REQUEST", e.message);
    throw e;
  }
  const d: Decoding = { saved: undefined, source: emptySource(), rawSource: {}, version: undefined };
  const fields = struct === "OutRequest" ? (["source"] as const) : (["source", "version"] as const);
  try {
    if (value !== null && !isJsonObject(value)) {
      save(d, `json: cannot unmarshal ${goJsonKind(value)} into Go value of type models.${struct}`);
    } else if (value !== null) {
      for (const [key, v] of Object.entries(value)) {
        const field = fieldFor<"source" | "version">(key, fields);
        if (field === "source") decodeSource(v, struct, d);
        else if (field === "version") decodeVersion(v, struct, d);
      }
    }
  } catch (e) {
    if (e instanceof Abort) throw parseError("INVALID_REQUEST", e.message);
    throw e;
  }
  if (d.saved !== undefined) throw parseError("INVALID_REQUEST", d.saved);

  // Go has accepted it; the schemas must agree
  const checked = sourceSchema.safeParse(d.rawSource);
  if (!checked.success) throw parseError("INVALID_REQUEST", checked.error.issues[0]?.message ?? "invalid source");
  if (d.version && !versionSchema.safeParse({ time: d.version.raw }).success) {
    throw parseError("INVALID_REQUEST", `invalid version time ${d.version.raw}`);
  }
  return d;
}

/** check's version: none when absent, null, {} or Go's zero time. */
export function decodeCheck(stdin: string): CheckRequest<TimeSource, TimeVersion> {
  const d = decode(stdin, "CheckRequest");
  const version = d.version && !isZero(d.version.time) ? { time: d.version.raw } : null;
  return { source: d.source, version };
}

/** in always has a version in Go (a zero one when none was sent). */
export function decodeIn(stdin: string): InRequest<TimeSource, TimeVersion, Record<string, never>> {
  const d = decode(stdin, "InRequest");
  return { source: d.source, version: { time: d.version?.raw ?? ZERO_VERSION_TIME }, params: {} };
}

export function decodeOut(stdin: string): OutRequest<TimeSource, Record<string, never>> {
  const d = decode(stdin, "OutRequest");
  return { source: d.source, params: {} };
}

/**
 * Go's time package, as far as the upstream resource types use it: instants
 * with nanoseconds and a zone, time.Date with Go's normalisation and DST rule,
 * time.Parse and Format for the layouts upstream names, RFC 3339 as
 * Time.MarshalJSON / UnmarshalJSON read and write it, and LoadLocation.
 *
 * An instant is bigint nanoseconds since the Unix epoch, so nothing is ever
 * rounded to JS Date's milliseconds. IANA offsets come from Intl (the tzdata
 * Node ships), which is the only place JS Date appears, at whole seconds.
 *
 * The upstream images run without /etc/localtime, so Go's Local zone is UTC
 * there; that is why "+00:00" parses to plain UTC below.
 */

export type GoZone = { kind: "utc" } | { kind: "fixed"; offsetSeconds: number } | { kind: "iana"; name: string };

export interface GoTime {
  /** nanoseconds since 1970-01-01T00:00:00Z */
  ns: bigint;
  zone: GoZone;
}

export const UTC: GoZone = { kind: "utc" };

const NS_PER_SEC = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400;

export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** A failure worded as the Go function that failed would word it. */
export class GoTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoTimeError";
  }
}

// ---------------------------------------------------------------------------
// Civil calendar (proleptic Gregorian, any year; Go uses the same calendar)

/** Days from 1970-01-01 to the given date; `day` may run past the month. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468 + (day - 1);
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

// ---------------------------------------------------------------------------
// Zones

/** A loaded location: the zone, and the name Location.String() prints. */
export interface GoLocation {
  zone: GoZone;
  name: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function ianaFormatter(name: string): Intl.DateTimeFormat {
  let f = formatters.get(name);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(name, f);
  }
  return f;
}

let canonicalZones: Map<string, string> | undefined;

/** Intl matches zone names case-insensitively; the zoneinfo files Go reads do not. */
function wrongCase(name: string): boolean {
  canonicalZones ??= new Map(Intl.supportedValuesOf("timeZone").map((z) => [z.toLowerCase(), z]));
  const known = canonicalZones.get(name.toLowerCase());
  if (known !== undefined) return known !== name;
  // an alias (US/Eastern, ...): no zoneinfo name is all lower case
  return name === name.toLowerCase() && /[a-z]/.test(name);
}

/** time.LoadLocation, with the container's Local (no /etc/localtime) being UTC. */
export function loadLocation(name: string): GoLocation {
  if (name === "" || name === "UTC") return { zone: UTC, name: "UTC" };
  // Go copies the Local struct before anything initialised it, so its name is empty
  if (name === "Local") return { zone: UTC, name: "" };
  if (name.includes("..") || name.startsWith("/") || name.startsWith("\\")) {
    throw new GoTimeError("time: invalid location name");
  }
  // Intl also takes offsets ("+05:00") as zones; zoneinfo has no such files
  if (/^[+-]/.test(name) || wrongCase(name)) throw new GoTimeError(`unknown time zone ${name}`);
  try {
    ianaFormatter(name);
  } catch {
    throw new GoTimeError(`unknown time zone ${name}`);
  }
  return { zone: { kind: "iana", name }, name };
}

// the instants Intl (through Date) can show
const MAX_DATE_SECONDS = 8_640_000_000_000;

/** The zone's UTC offset in seconds at the given Unix second. */
export function offsetAt(zone: GoZone, unixSeconds: number): number {
  if (zone.kind === "utc") return 0;
  if (zone.kind === "fixed") return zone.offsetSeconds;
  const clamped = Math.max(-MAX_DATE_SECONDS, Math.min(MAX_DATE_SECONDS, unixSeconds));
  const parts = ianaFormatter(zone.name).formatToParts(new Date(clamped * 1000));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of parts) {
    if (p.type === "year") year = Number(p.value);
    else if (p.type === "month") month = Number(p.value);
    else if (p.type === "day") day = Number(p.value);
    else if (p.type === "hour") hour = Number(p.value);
    else if (p.type === "minute") minute = Number(p.value);
    else if (p.type === "second") second = Number(p.value);
    else if (p.type === "era") bc = p.value.startsWith("B");
  }
  if (bc) year = 1 - year;
  const wall = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  return wall - clamped;
}

const abbreviationFormatters = new Map<string, Intl.DateTimeFormat>();

function numericZoneName(offset: number, withColon: boolean, alwaysMinutes: boolean): string {
  const minutes = Math.trunc(offset / 60);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const hh = pad(Math.trunc(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  if (!alwaysMinutes && mm === "00") return sign + hh;
  return sign + hh + (withColon ? ":" : "") + mm;
}

/**
 * The abbreviation Go's "MST" prints. UTC prints "UTC"; a fixed zone parsed
 * from a numeric offset has no name, so Go prints the offset as -0700. For
 * IANA zones Go prints the tzdata abbreviation; Intl knows the lettered ones
 * for some locales only, so this is a best effort (upstream never prints it).
 */
export function zoneAbbreviation(zone: GoZone, unixSeconds: number): string {
  if (zone.kind === "utc") return "UTC";
  const offset = offsetAt(zone, unixSeconds);
  if (zone.kind === "fixed") return numericZoneName(offset, false, true);
  const clamped = Math.max(-MAX_DATE_SECONDS, Math.min(MAX_DATE_SECONDS, unixSeconds));
  let names = abbreviationFormatters.get(zone.name);
  if (names === undefined) {
    names = new Intl.DateTimeFormat("en-US", { timeZone: zone.name, timeZoneName: "short" });
    abbreviationFormatters.set(zone.name, names);
  }
  const short = names
    .formatToParts(new Date(clamped * 1000))
    .find((p) => p.type === "timeZoneName")?.value;
  if (short !== undefined && /^[A-Z]{2,5}$/.test(short) && short !== "GMT") return short;
  if (offset === 0 && short === "GMT") return "GMT";
  return numericZoneName(offset, false, false);
}

// ---------------------------------------------------------------------------
// Instants

/** Time.Unix(): whole seconds, rounded down. */
export function unix(t: GoTime): bigint {
  return floorDiv(t.ns, NS_PER_SEC);
}

export function nanosecond(t: GoTime): number {
  return Number(t.ns - unix(t) * NS_PER_SEC);
}

export function inZone(t: GoTime, zone: GoZone): GoTime {
  return { ns: t.ns, zone };
}

/** The zero time.Time: January 1, year 1, 00:00:00 UTC. */
export const ZERO_TIME_NS = BigInt(daysFromCivil(1, 1, 1) * SECONDS_PER_DAY) * NS_PER_SEC;

export function isZero(t: GoTime): boolean {
  return t.ns === ZERO_TIME_NS;
}

export const zeroTime = (): GoTime => ({ ns: ZERO_TIME_NS, zone: UTC });

export const before = (a: GoTime, b: GoTime): boolean => a.ns < b.ns;
export const after = (a: GoTime, b: GoTime): boolean => a.ns > b.ns;

const MAX_DURATION = (1n << 63n) - 1n;
const MIN_DURATION = -(1n << 63n);

/** Time.Sub: a - b, saturated to the int64 range as Go does. */
export function sub(a: GoTime, b: GoTime): bigint {
  const d = a.ns - b.ns;
  if (d > MAX_DURATION) return MAX_DURATION;
  if (d < MIN_DURATION) return MIN_DURATION;
  return d;
}

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** 0 = Sunday */
  weekday: number;
  /** seconds east of UTC */
  offset: number;
}

/** The calendar fields of an instant in its own zone. */
export function wallClock(t: GoTime): WallClock {
  const sec = unix(t);
  const nsec = Number(t.ns - sec * NS_PER_SEC);
  const offset = offsetAt(t.zone, Number(sec));
  const local = sec + BigInt(offset);
  const days = floorDiv(local, BigInt(SECONDS_PER_DAY));
  const sod = Number(local - days * BigInt(SECONDS_PER_DAY));
  const d = Number(days);
  const { year, month, day } = civilFromDays(d);
  return {
    year,
    month,
    day,
    hour: Math.floor(sod / 3600),
    minute: Math.floor((sod % 3600) / 60),
    second: sod % 60,
    nanosecond: nsec,
    weekday: (((d + 4) % 7) + 7) % 7, // 1970-01-01 was a Thursday
    offset,
  };
}

export function weekday(t: GoTime): number {
  return wallClock(t).weekday;
}

/** Go's norm: moves whole multiples of base from lo into hi, leaving 0 <= lo < base. */
function norm(hi: number, lo: number, base: number): [number, number] {
  const n = Math.floor(lo / base);
  return [hi + n, lo - n * base];
}

/**
 * time.Date: fields out of range carry over (month 13 is January next year,
 * day 0 the last day of the month before). A wall time that a DST change
 * skips or repeats resolves as Go resolves it: take the offset in force at
 * the wall time read as UTC; if the instant that gives has another offset,
 * use that one instead.
 */
export function goDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nsec: number,
  zone: GoZone,
): GoTime {
  let m = month - 1;
  [year, m] = norm(year, m, 12);
  [second, nsec] = norm(second, nsec, 1e9);
  [minute, second] = norm(minute, second, 60);
  [hour, minute] = norm(hour, minute, 60);
  [day, hour] = norm(day, hour, 24);
  const days = daysFromCivil(year, m + 1, 1) + (day - 1);
  const local = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  let offset = offsetAt(zone, local);
  if (offset !== 0) {
    const later = offsetAt(zone, local - offset);
    if (later !== offset) offset = later;
  }
  return { ns: BigInt(local - offset) * NS_PER_SEC + BigInt(nsec), zone };
}

/** Time.AddDate: the same wall clock, the given years, months and days later. */
export function addDate(t: GoTime, years: number, months: number, days: number): GoTime {
  const w = wallClock(t);
  return goDate(w.year + years, w.month + months, w.day + days, w.hour, w.minute, w.second, w.nanosecond, t.zone);
}

// ---------------------------------------------------------------------------
// Layouts

export const RFC3339 = "2006-01-02T15:04:05Z07:00";

/** The layout elements this module understands (a subset of Go's). */
const STD_ELEMENTS = ["2006", "01", "02", "15", "04", "05", "PM", "-0700", "Z07:00", ".999999999", "MST", "3"] as const;
type Std = (typeof STD_ELEMENTS)[number];

interface Chunk {
  prefix: string;
  std: Std | undefined;
  suffix: string;
}

/** nextStdChunk: the literal text before the next layout element, the element and the rest. */
function nextChunk(layout: string): Chunk {
  for (let i = 0; i < layout.length; i++) {
    for (const std of STD_ELEMENTS) {
      if (layout.startsWith(std, i)) return { prefix: layout.slice(0, i), std, suffix: layout.slice(i + std.length) };
    }
  }
  return { prefix: layout, std: undefined, suffix: "" };
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? "-" + s : s;
}

/** Time.Format for layouts built from STD_ELEMENTS. */
export function formatGo(t: GoTime, layout: string): string {
  const w = wallClock(t);
  let out = "";
  let rest = layout;
  for (;;) {
    const { prefix, std, suffix } = nextChunk(rest);
    out += prefix;
    if (std === undefined) return out;
    rest = suffix;
    switch (std) {
      case "2006":
        out += pad(w.year, 4);
        break;
      case "01":
        out += pad(w.month, 2);
        break;
      case "02":
        out += pad(w.day, 2);
        break;
      case "15":
        out += pad(w.hour, 2);
        break;
      case "3":
        out += String(w.hour % 12 === 0 ? 12 : w.hour % 12);
        break;
      case "04":
        out += pad(w.minute, 2);
        break;
      case "05":
        out += pad(w.second, 2);
        break;
      case "PM":
        out += w.hour >= 12 ? "PM" : "AM";
        break;
      case ".999999999":
        out += fraction(w.nanosecond);
        break;
      case "-0700":
        out += numericZoneName(w.offset, false, true);
        break;
      case "Z07:00":
        out += w.offset === 0 ? "Z" : numericZoneName(w.offset, true, true);
        break;
      case "MST":
        out += zoneAbbreviation(t.zone, Number(unix(t)));
        break;
    }
  }
}

/** ".123" for 123ms; nothing for a whole second (Go's .999999999). */
function fraction(nsec: number): string {
  if (nsec === 0) return "";
  return "." + String(nsec).padStart(9, "0").replace(/0+$/, "");
}

/** RFC3339Nano: 2006-01-02T15:04:05.999999999Z07:00. */
export function formatRFC3339Nano(t: GoTime): string {
  return formatGo(t, "2006-01-02T15:04:05.999999999Z07:00");
}

/** Time.MarshalJSON's text (without quotes), refusing what RFC 3339 cannot hold. */
export function marshalTime(t: GoTime): string {
  const s = formatRFC3339Nano(t);
  const fail = (why: string) =>
    new GoTimeError(`json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: ${why}`);
  if (s[4] !== "-") throw fail("year outside of range [0,9999]");
  if (!s.endsWith("Z")) {
    const c = s[s.length - 6]!;
    if ((c >= "0" && c <= "9") || Number(s.slice(-5, -3)) >= 24) throw fail("timezone hour outside of range [0,23]");
  }
  return s;
}

// ---------------------------------------------------------------------------
// Parsing

/** Go's quote() in time errors: ASCII as is (with \" and \\), other bytes as \xNN. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x80 || code < 0x20) {
      for (const byte of new TextEncoder().encode(ch)) out += "\\x" + byte.toString(16).padStart(2, "0");
    } else {
      if (ch === '"' || ch === "\\") out += "\\";
      out += ch;
    }
  }
  return out + '"';
}

/** time.ParseError's message. */
function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): GoTimeError {
  if (message === "") {
    return new GoTimeError(
      `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`,
    );
  }
  return new GoTimeError(`parsing time ${quote(value)}${message}`);
}

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= "0" && s[i]! <= "9";

class Bad extends Error {}

/** getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) throw new Bad();
  if (!isDigit(s, 1)) {
    if (fixed) throw new Bad();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

const cutspace = (s: string): string => s.replace(/^ +/, "");

/** skip: matches layout literal text; a space matches a run of spaces (or the end). */
function skip(value: string, prefix: string): { value: string; ok: boolean } {
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") return { value, ok: false };
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return { value, ok: false };
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return { value, ok: true };
}

/** parseNanoseconds: the digits after "." or ",", truncated to nanoseconds. */
function parseNanoseconds(value: string, nbytes: number): number {
  const digits = value.slice(1, Math.min(nbytes, 10));
  return Number(digits.padEnd(9, "0"));
}

/**
 * time.Parse (defaulting to UTC) for layouts built from STD_ELEMENTS, with
 * Go's leniencies: "15" and "3" take one or two digits, a fractional second
 * may follow "05", offsets up to 24:60 are accepted.
 */
export function parseGo(layout: string, value: string): GoTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = "";
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utcZone = false;
  let zoneOffset: number | undefined;

  for (;;) {
    const { prefix, std, suffix } = nextChunk(layout);
    const skipped = skip(value, prefix);
    value = skipped.value;
    if (!skipped.ok) throw parseError(alayout, avalue, prefix, value, "");
    if (std === undefined) {
      if (value.length !== 0) throw parseError(alayout, avalue, "", value, `: extra text: ${quote(value)}`);
      break;
    }
    layout = suffix;
    const hold = value;
    try {
      switch (std) {
        case "2006": {
          if (value.length < 4 || !isDigit(value, 0)) throw new Bad();
          const p = value.slice(0, 4);
          value = value.slice(4);
          if (!/^[0-9]{4}$/.test(p)) throw new Bad();
          year = Number(p);
          break;
        }
        case "01":
          [month, value] = getnum(value, true);
          if (month <= 0 || month > 12) rangeErr = "month";
          break;
        case "02":
          [day, value] = getnum(value, true);
          break;
        case "15":
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) rangeErr = "hour";
          break;
        case "3":
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour > 12) rangeErr = "hour";
          break;
        case "04":
          [min, value] = getnum(value, true);
          if (min < 0 || min >= 60) rangeErr = "minute";
          break;
        case "05": {
          [sec, value] = getnum(value, true);
          if (sec < 0 || sec >= 60) {
            rangeErr = "second";
            break;
          }
          // a fraction the layout does not ask for is still accepted
          if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigit(value, 1)) {
            if (nextChunk(layout).std === ".999999999") break;
            let n = 2;
            while (n < value.length && isDigit(value, n)) n++;
            nsec = parseNanoseconds(value, n);
            value = value.slice(n);
          }
          break;
        }
        case ".999999999": {
          if (value.length < 2 || !(value[0] === "." || value[0] === ",") || !isDigit(value, 1)) break;
          let n = 1;
          while (n < value.length && isDigit(value, n)) n++;
          nsec = parseNanoseconds(value, n);
          value = value.slice(n);
          break;
        }
        case "PM": {
          if (value.length < 2) throw new Bad();
          const p = value.slice(0, 2);
          value = value.slice(2);
          if (p === "PM") pmSet = true;
          else if (p === "AM") amSet = true;
          else throw new Bad();
          break;
        }
        case "Z07:00":
        case "-0700": {
          if (std === "Z07:00" && value.length >= 1 && value[0] === "Z") {
            value = value.slice(1);
            utcZone = true;
            break;
          }
          let sign: string;
          let hh: string;
          let mm: string;
          if (std === "Z07:00") {
            if (value.length < 6 || value[3] !== ":") throw new Bad();
            [sign, hh, mm, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), value.slice(6)];
          } else {
            if (value.length < 5) throw new Bad();
            [sign, hh, mm, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), value.slice(5)];
          }
          // Go reports a range error ahead of a malformed part, so collect both first
          let bad = false;
          let hr = 0;
          let mi = 0;
          try {
            [hr] = getnum(hh, true);
            [mi] = getnum(mm, true);
          } catch (e) {
            if (!(e instanceof Bad)) throw e;
            bad = true;
          }
          // Go compares with > here: offsets of 24 hours or 60 minutes are written
          if (hr > 24) rangeErr = "time zone offset hour";
          if (mi > 60) rangeErr = "time zone offset minute";
          zoneOffset = (hr * 60 + mi) * 60;
          if (sign === "-") zoneOffset = -zoneOffset;
          else if (sign !== "+") bad = true;
          if (bad) throw new Bad();
          break;
        }
        case "MST":
          throw new Error("parseGo: MST is not supported");
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      // a range error quotes what follows the element, a malformed one the element onwards
      if (rangeErr !== "") throw parseError(alayout, avalue, std, value, `: ${rangeErr} out of range`);
      throw parseError(alayout, avalue, std, hold, "");
    }
    if (rangeErr !== "") throw parseError(alayout, avalue, std, value, `: ${rangeErr} out of range`);
  }

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, "", value, ": day out of range");

  if (utcZone) return goDate(year, month, day, hour, min, sec, nsec, UTC);
  if (zoneOffset !== undefined) {
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC);
    // the offset Local has (0 here) means Local, anything else a nameless fixed zone
    const zone: GoZone = zoneOffset === 0 ? UTC : { kind: "fixed", offsetSeconds: zoneOffset };
    return { ns: t.ns - BigInt(zoneOffset) * NS_PER_SEC, zone };
  }
  return goDate(year, month, day, hour, min, sec, nsec, UTC);
}

/** Go's fast, strict RFC 3339 reader; undefined where Go falls back to time.Parse. */
function parseRFC3339Strict(s: string): GoTime | undefined {
  if (s.length < 19) return undefined;
  let ok = true;
  const uint = (part: string, lo: number, hi: number): number => {
    if (!/^[0-9]+$/.test(part)) {
      ok = false;
      return lo;
    }
    const x = Number(part);
    if (x < lo || x > hi) {
      ok = false;
      return lo;
    }
    return x;
  };
  const year = uint(s.slice(0, 4), 0, 9999);
  const month = uint(s.slice(5, 7), 1, 12);
  const day = uint(s.slice(8, 10), 1, daysIn(month, year));
  const hour = uint(s.slice(11, 13), 0, 23);
  const min = uint(s.slice(14, 16), 0, 59);
  const sec = uint(s.slice(17, 19), 0, 59);
  if (!ok || s[4] !== "-" || s[7] !== "-" || s[10] !== "T" || s[13] !== ":" || s[16] !== ":") return undefined;
  let rest = s.slice(19);
  let nsec = 0;
  if (rest.length >= 2 && rest[0] === "." && isDigit(rest, 1)) {
    let n = 2;
    while (n < rest.length && isDigit(rest, n)) n++;
    nsec = parseNanoseconds(rest, n);
    rest = rest.slice(n);
  }
  const t = goDate(year, month, day, hour, min, sec, nsec, UTC);
  if (rest === "Z") return t;
  if (rest.length !== 6) return undefined;
  const hr = uint(rest.slice(1, 3), 0, 23);
  const mm = uint(rest.slice(4, 6), 0, 59);
  if (!ok || !(rest[0] === "-" || rest[0] === "+") || rest[3] !== ":") return undefined;
  const offset = (rest[0] === "-" ? -1 : 1) * (hr * 60 + mm) * 60;
  const zone: GoZone = offset === 0 ? UTC : { kind: "fixed", offsetSeconds: offset };
  return { ns: t.ns - BigInt(offset) * NS_PER_SEC, zone };
}

/**
 * Time.UnmarshalJSON for a JSON string's contents: strict RFC 3339 first,
 * then time.Parse(RFC3339), whose laxer reading Go still accepts.
 */
export function parseRFC3339(text: string): GoTime {
  return parseRFC3339Strict(text) ?? parseGo(RFC3339, text);
}

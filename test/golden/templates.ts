/**
 * The fixture template language (test/fixtures/README.md): inputs relative to
 * one instant T, and matchers for outputs that depend on when the run happened.
 */
import { readFileSync } from "node:fs";
import { parseGoDuration } from "../../src/compat/go-duration.ts";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const TEMPLATE = /\{\{([^{}]+)\}\}/g;

export interface TemplateContext {
  /** T: nanoseconds since the epoch, taken before the run */
  startNanos: bigint;
  privileged: boolean;
  /** the served repository of git fixtures ({{git:uri}}, {{git:rev:REV}}) */
  git?: { uri: string; rev(rev: string): string; extra?(arg: string): string | undefined };
  /** the test RGW and this run's bucket of s3 fixtures ({{s3:bucket}}, ...; test/golden/s3-setup.ts) */
  s3?: { expand(arg: string): string };
}

/** Whether /proc/self/uid_map maps uid 0 to 0, as mock-resource decides "privileged". */
export function hostIsPrivileged(): boolean {
  try {
    return readFileSync("/proc/self/uid_map", "utf8")
      .split("\n")
      .some((line) => /^\s*0\s+0\s+\d+/.test(line));
  } catch {
    return false;
  }
}

function shifted(expr: string, ctx: TemplateContext): bigint {
  const m = /^now(?:([+-])(.+))?$/.exec(expr.trim());
  if (!m) throw new Error(`bad time expression in template: ${expr}`);
  if (!m[1]) return ctx.startNanos;
  const text = m[2]!.replace(/(\d+(?:\.\d+)?)d/g, (_, n: string) => `${Number(n) * 24}h`);
  const d = parseGoDuration(text);
  return m[1] === "+" ? ctx.startNanos + d : ctx.startNanos - d;
}

/** RFC3339Nano in UTC, trailing fraction zeros trimmed, as Go prints it. */
export function rfc3339NanoUtc(nanos: bigint): string {
  const secs = nanos / 1_000_000_000n - (nanos < 0n && nanos % 1_000_000_000n !== 0n ? 1n : 0n);
  const frac = nanos - secs * 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  const fracText = frac === 0n ? "" : "." + frac.toString().padStart(9, "0").replace(/0+$/, "");
  return `${base}${fracText}Z`;
}

function utcParts(nanos: bigint): Date {
  return new Date(Number(nanos / 1_000_000n));
}

function unknownTemplate(body: string): never {
  throw new Error(`unknown template {{${body}}}`);
}

/** Expands input templates ({{now-2h}}, {{hhmm:now}}, ...). Matchers are left for compileExpectation. */
export function expand(text: string, ctx: TemplateContext): string {
  return text.replace(TEMPLATE, (whole, body: string) => {
    const [kind, arg] = body.includes(":") ? [body.slice(0, body.indexOf(":")), body.slice(body.indexOf(":") + 1)] : [body, ""];
    switch (kind) {
      case "match":
        return whole;
      case "privileged":
        return String(ctx.privileged);
      case "privileged_field":
        return ctx.privileged ? ',"privileged":"true"' : "";
      case "hhmm": {
        const d = utcParts(shifted(arg, ctx));
        return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
      }
      case "weekday":
        return WEEKDAYS[utcParts(shifted(arg, ctx)).getUTCDay()]!;
      case "date":
        return utcParts(shifted(arg, ctx)).toISOString().slice(0, 10);
      case "git":
        if (!ctx.git) throw new Error(`{{${body}}} needs the git fixture server`);
        if (arg === "uri") return ctx.git.uri;
        if (arg.startsWith("rev:")) return ctx.git.rev(arg.slice(4));
        if (arg.startsWith("short:")) return ctx.git.rev(arg.slice(6)).slice(0, 7);
        return ctx.git.extra?.(arg) ?? unknownTemplate(body);
      case "s3":
        if (!ctx.s3) throw new Error(`{{${body}}} needs the s3 fixture bucket`);
        return ctx.s3.expand(arg);
      default:
        if (body.startsWith("now")) return rfc3339NanoUtc(shifted(body, ctx));
        throw new Error(`unknown template {{${body}}}`);
    }
  });
}

/** Deeply expands every string in a JSON value. */
export function expandJson<T>(value: T, ctx: TemplateContext): T {
  if (typeof value === "string") return expand(value, ctx) as T;
  if (Array.isArray(value)) return value.map((v) => expandJson(v, ctx)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [expand(k, ctx), expandJson(v, ctx)])) as T;
  }
  return value;
}

const RFC3339 = String.raw`(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d))`;
const GO_TIMESTAMP = String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})? [+-]\d{4} (?:[A-Za-z]{2,6}|[+-]\d{4}))`;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Parses an RFC3339 instant to epoch nanoseconds and its offset in minutes. */
function parseRfc3339(s: string): { nanos: bigint; offsetMinutes: number } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|([+-])(\d\d):(\d\d))$/.exec(s)!;
  const offsetMinutes = m[3] === "Z" ? 0 : (m[4] === "-" ? -1 : 1) * (Number(m[5]) * 60 + Number(m[6]));
  const wallMs = Date.parse(m[1]! + "Z");
  const nanos = BigInt(wallMs) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0") || "0") - BigInt(offsetMinutes) * 60_000_000_000n;
  return { nanos, offsetMinutes };
}

function zoneOffsetMinutes(zone: string, nanos: bigint): number {
  const date = new Date(Number(nanos / 1_000_000n));
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

export interface Expectation {
  /** returns a list of problems; empty means the text matched */
  check(actual: string, endNanos: bigint): string[];
}

const SLACK = 2_000_000_000n; // clocks of child processes and containers read the same host clock; allow 2 s

/** Compiles an expected text (after expand) with {{match:...}} placeholders into a checker. */
export function compileExpectation(expected: string, ctx: TemplateContext): Expectation {
  const validators: Array<{ name: string; validate(value: string, end: bigint): string | undefined }> = [];
  let pattern = "";
  let last = 0;
  for (const m of expected.matchAll(TEMPLATE)) {
    pattern += escapeRegExp(expected.slice(last, m.index));
    last = m.index! + m[0].length;
    const body = m[1]!;
    if (!body.startsWith("match:")) throw new Error(`unexpanded template {{${body}}}`);
    const what = body.slice("match:".length);
    const inRun = (n: bigint, end: bigint) => n >= ctx.startNanos - SLACK && n <= end + SLACK;
    if (what === "now" || what.startsWith("now@")) {
      const zone = what.startsWith("now@") ? what.slice(4) : undefined;
      pattern += RFC3339;
      validators.push({
        name: body,
        validate(value, end) {
          const { nanos, offsetMinutes } = parseRfc3339(value);
          if (!inRun(nanos, end)) return `${value} is not within the run`;
          const want = zone ? zoneOffsetMinutes(zone, nanos) : 0;
          if (offsetMinutes !== want) return `${value} has offset ${offsetMinutes} min, expected ${want} (${zone ?? "UTC"})`;
          return undefined;
        },
      });
    } else if (what === "timestamp") {
      pattern += GO_TIMESTAMP;
      validators.push({
        name: body,
        validate(value, end) {
          const m2 = /^(\S+) (\S+) ([+-])(\d\d)(\d\d) /.exec(value)!;
          const iso = `${m2[1]}T${m2[2]}${m2[3]}${m2[4]}:${m2[5]}`;
          return inRun(parseRfc3339(iso).nanos, end) ? undefined : `${value} is not within the run`;
        },
      });
    } else if (what === "epoch") {
      pattern += String.raw`(-?\d+)`;
      validators.push({
        name: body,
        validate(value, end) {
          const n = BigInt(value) * 1_000_000_000n;
          return n >= ctx.startNanos - SLACK - 1_000_000_000n && n <= end + SLACK ? undefined : `${value} is not within the run`;
        },
      });
    } else if (what === "gitdate") {
      // git's %ai, as git metadata prints it: "2006-01-02 15:04:05 -0700"
      pattern += String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4})`;
      validators.push({
        name: body,
        validate(value, end) {
          const m2 = /^(\S+) (\S+) ([+-])(\d\d)(\d\d)$/.exec(value)!;
          const iso = `${m2[1]}T${m2[2]}${m2[3]}${m2[4]}:${m2[5]}`;
          // git dates have whole seconds: the run's start is rounded down to one
          return inRun(parseRfc3339(iso).nanos + 999_999_999n, end) ? undefined : `${value} is not within the run`;
        },
      });
    } else if (what === "sha") {
      // a commit made during the run (a rebase, a merge): its time is part of it
      pattern += "([0-9a-f]{40})";
      validators.push({ name: body, validate: () => undefined });
    } else if (what === "any") {
      pattern += "([^\\n]*)";
      validators.push({ name: body, validate: () => undefined });
    } else {
      throw new Error(`unknown matcher {{${body}}}`);
    }
  }
  pattern += escapeRegExp(expected.slice(last));
  const regex = new RegExp(`^${pattern}$`, "s");

  return {
    check(actual, end) {
      const m = regex.exec(actual);
      if (!m) return [`expected ${JSON.stringify(expected)}\n     got ${JSON.stringify(actual)}`];
      return validators.flatMap((v, i) => {
        const problem = v.validate(m[i + 1]!, end);
        return problem ? [`${v.name}: ${problem}`] : [];
      });
    },
  };
}

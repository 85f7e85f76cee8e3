/**
 * Dates as git prints them: `%ai`/`%ci` in the commit's own zone, and the
 * `--date=<format>` forms `.git/commit_timestamp` may ask for (iso8601 by
 * default). "-local" variants and `local` use the process's zone (TZ).
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import type { Ident } from "./objects.ts";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A wall-clock reading: the fields of a struct tm, plus the offset as git prints it (e.g. 530 for +0530). */
interface Tm {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yearDay: number;
  /** hhmm as a signed number, git's `tz` */
  tz: number;
}

/** "+0530" -> 530; "-0000" reads as 0 and prints back as +0000, as in git. */
export function parseTz(tz: string): number {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(tz);
  if (!m) return 0;
  const v = Number(m[2]) * 100 + Number(m[3]);
  return m[1] === "-" ? -v : v;
}

const tzMinutes = (tz: number) => Math.sign(tz) * (Math.floor(Math.abs(tz) / 100) * 60 + (Math.abs(tz) % 100));

function tmAt(timestamp: number, tz: number): Tm {
  const d = new Date((timestamp + tzMinutes(tz) * 60) * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    yearDay: Math.floor((d.getTime() - start) / 86400000),
    tz,
  };
}

/** The process's zone at an instant, as git's local_tzoffset sees it. */
function localTz(timestamp: number): number {
  const minutes = -new Date(timestamp * 1000).getTimezoneOffset();
  const sign = minutes < 0 ? -1 : 1;
  const abs = Math.abs(minutes);
  return sign * (Math.floor(abs / 60) * 100 + (abs % 60));
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const signed = (tz: number) => (tz < 0 ? "-" : "+") + pad(Math.abs(tz), 4);

/** `%ai` / `%ci`: 2006-01-02 15:04:05 -0700 in the identity's own zone. */
export function isoDate(ident: Ident): string {
  const t = tmAt(ident.timestamp, parseTz(ident.tz));
  return `${t.year}-${pad(t.month + 1)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${signed(t.tz)}`;
}

/**
 * `git log --date=<format>`. `now` (seconds) feeds relative and human.
 * An unknown format fails as git does: "fatal: unknown date format X", 128.
 */
export function formatDate(ident: Ident, format: string, now: number): string {
  let mode = format;
  let local = false;
  let strftime: string | undefined;
  if (mode.startsWith("format:")) strftime = mode.slice("format:".length);
  else if (mode.startsWith("format-local:")) {
    strftime = mode.slice("format-local:".length);
    local = true;
  } else {
    if (mode.startsWith("auto:")) mode = mode.slice("auto:".length); // stdout is never a pager here
    if (mode.endsWith("-local")) {
      mode = mode.slice(0, -"-local".length);
      local = true;
    }
    if (mode === "local") {
      mode = "default";
      local = true;
    }
  }
  const ts = ident.timestamp;
  const tz = local ? localTz(ts) : parseTz(ident.tz);
  const t = tmAt(ts, tz);
  if (strftime !== undefined) return formatStrftime(strftime, t, ts, local);
  switch (mode) {
    case "iso":
    case "iso8601":
      return `${t.year}-${pad(t.month + 1)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${signed(tz)}`;
    case "iso-strict":
    case "iso8601-strict": {
      const abs = pad(Math.abs(tz), 4);
      return `${t.year}-${pad(t.month + 1)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${tz < 0 ? "-" : "+"}${abs.slice(0, 2)}:${abs.slice(2)}`;
    }
    case "rfc":
    case "rfc2822":
      return `${DAYS[t.weekday]!.slice(0, 3)}, ${t.day} ${MONTHS[t.month]!.slice(0, 3)} ${t.year} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${signed(tz)}`;
    case "short":
      return `${t.year}-${pad(t.month + 1)}-${pad(t.day)}`;
    case "raw":
      return `${ts} ${signed(tz)}`;
    case "unix":
      return String(ts);
    case "relative":
      return relativeDate(ts, now);
    case "human":
      return humanDate(ts, t, now);
    case "default":
      return `${DAYS[t.weekday]!.slice(0, 3)} ${MONTHS[t.month]!.slice(0, 3)} ${t.day} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${t.year}${local ? "" : " " + signed(tz)}`;
    default:
      throw new JetwayError("OPERATION_FAILED", `fatal: unknown date format ${format}`, { exitCode: 128, stderr: `fatal: unknown date format ${format}\n` });
  }
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** git's show_date_relative. */
export function relativeDate(time: number, now: number): string {
  if (now < time) return "in the future";
  let diff = now - time;
  if (diff < 90) return `${plural(diff, "second")} ago`;
  diff = Math.floor((diff + 30) / 60);
  if (diff < 90) return `${plural(diff, "minute")} ago`;
  diff = Math.floor((diff + 30) / 60);
  if (diff < 36) return `${plural(diff, "hour")} ago`;
  diff = Math.floor((diff + 12) / 24);
  if (diff < 14) return `${plural(diff, "day")} ago`;
  if (diff < 70) return `${plural(Math.floor((diff + 3) / 7), "week")} ago`;
  if (diff < 365) return `${plural(Math.floor((diff + 15) / 30), "month")} ago`;
  if (diff < 1825) {
    const totalMonths = Math.floor((diff * 12 * 2 + 365) / (365 * 2));
    const years = Math.floor(totalMonths / 12);
    const months = totalMonths % 12;
    return months ? `${plural(years, "year")}, ${plural(months, "month")} ago` : `${plural(years, "year")} ago`;
  }
  return `${plural(Math.floor((diff + 183) / 365), "year")} ago`;
}

/** git's show_date_normal in human mode, against "now" in the local zone. */
function humanDate(time: number, t: Tm, now: number): string {
  const nowTz = localTz(now);
  const n = tmAt(now, nowTz);
  const hide = { year: t.year === n.year, date: false, wday: false, time: false, seconds: false, tz: t.tz === nowTz };
  if (hide.year && t.month === n.month) {
    if (t.day === n.day) hide.date = hide.wday = true;
    else if (t.day < n.day && t.day + 5 > n.day) hide.date = true;
  }
  if (hide.wday) return relativeDate(time, now);
  hide.seconds = true;
  hide.tz = hide.tz || !hide.date;
  hide.wday = hide.time = !hide.year;
  let out = "";
  if (!hide.wday) out += `${DAYS[t.weekday]!.slice(0, 3)} `;
  if (!hide.date) out += `${MONTHS[t.month]!.slice(0, 3)} ${t.day} `;
  if (!hide.time) out += `${pad(t.hour)}:${pad(t.minute)}`;
  else out = out.trimEnd();
  if (!hide.year) out += ` ${t.year}`;
  if (!hide.tz) out += ` ${signed(t.tz)}`;
  return out;
}

/** strftime in the C locale, with git's %z/%Z handling. */
function formatStrftime(fmt: string, t: Tm, ts: number, local: boolean): string {
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const conv: Record<string, () => string> = {
    a: () => DAYS[t.weekday]!.slice(0, 3),
    A: () => DAYS[t.weekday]!,
    b: () => MONTHS[t.month]!.slice(0, 3),
    h: () => MONTHS[t.month]!.slice(0, 3),
    B: () => MONTHS[t.month]!,
    c: () => `${conv.a!()} ${conv.b!()} ${String(t.day).padStart(2, " ")} ${conv.T!()} ${t.year}`,
    C: () => pad(Math.floor(t.year / 100)),
    d: () => pad(t.day),
    D: () => `${pad(t.month + 1)}/${pad(t.day)}/${pad(t.year % 100)}`,
    e: () => String(t.day).padStart(2, " "),
    F: () => `${t.year}-${pad(t.month + 1)}-${pad(t.day)}`,
    H: () => pad(t.hour),
    I: () => pad(hour12),
    j: () => pad(t.yearDay + 1, 3),
    k: () => String(t.hour).padStart(2, " "),
    l: () => String(hour12).padStart(2, " "),
    m: () => pad(t.month + 1),
    M: () => pad(t.minute),
    n: () => "\n",
    p: () => (t.hour < 12 ? "AM" : "PM"),
    P: () => (t.hour < 12 ? "am" : "pm"),
    r: () => `${pad(hour12)}:${pad(t.minute)}:${pad(t.second)} ${conv.p!()}`,
    R: () => `${pad(t.hour)}:${pad(t.minute)}`,
    s: () => String(ts),
    S: () => pad(t.second),
    t: () => "\t",
    T: () => `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`,
    u: () => String(t.weekday === 0 ? 7 : t.weekday),
    w: () => String(t.weekday),
    x: () => conv.D!(),
    X: () => conv.T!(),
    y: () => pad(t.year % 100),
    Y: () => String(t.year),
    z: () => signed(t.tz),
    // git prints no zone name for a commit's own offset; the local zone has one it cannot know here
    Z: () => (local ? (Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(new Date(ts * 1000)).find((p) => p.type === "timeZoneName")?.value ?? "") : ""),
    "%": () => "%",
  };
  return fmt.replace(/%(.)/gs, (whole, c: string) => (conv[c] ? conv[c]() : whole));
}

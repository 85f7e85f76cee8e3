/**
 * Log lines as sirupsen/logrus prints them with `TextFormatter{ForceColors: true}`
 * and no full timestamp, which is how the Go resource types (mock among them)
 * configure it. Callers compare stderr byte for byte, so padding, colour codes
 * and the trailing space after the message all matter.
 */

export type LogrusLevel = "panic" | "fatal" | "error" | "warning" | "info" | "debug" | "trace";

/** A field value: what logrus would get from a Go string, bool or number. */
export type LogrusValue = string | boolean | number | bigint | null;

const COLOURS: Record<LogrusLevel, number> = {
  panic: 31,
  fatal: 31,
  error: 31,
  warning: 33,
  info: 36,
  debug: 37,
  trace: 37,
};

export interface LogrusOptions {
  fields?: Readonly<Record<string, LogrusValue>>;
  /** whole seconds since the logger was set up; the resources exit within one, so 0 */
  seconds?: number;
}

/** One formatted line, newline included. */
export function logrusLine(level: LogrusLevel, message: string, options: LogrusOptions = {}): string {
  const colour = COLOURS[level];
  // logrus truncates the level name to four letters unless told not to
  const levelText = level.toUpperCase().slice(0, 4);
  const seconds = String(Math.trunc(options.seconds ?? 0)).padStart(4, "0");
  const text = message.endsWith("\n") ? message.slice(0, -1) : message;
  let line = `\x1b[${colour}m${levelText}\x1b[0m[${seconds}] ${padRunes(text, 44)} `;
  const fields = options.fields ?? {};
  for (const key of Object.keys(fields).sort(byBytes)) {
    line += ` \x1b[${colour}m${key}\x1b[0m=${formatValue(fields[key]!)}`;
  }
  return line + "\n";
}

/** Go's %-Ns: width counts code points, not UTF-16 units. */
function padRunes(s: string, width: number): string {
  const runes = [...s].length;
  return runes >= width ? s : s + " ".repeat(width - runes);
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function formatValue(value: LogrusValue): string {
  const text = goSprint(value);
  return needsQuoting(text) ? goStrconvQuote(text) : text;
}

/** logrus leaves a value bare only when every character is in this set. */
function needsQuoting(text: string): boolean {
  return !/^[A-Za-z0-9\-._/@^+]*$/.test(text);
}

function goSprint(value: LogrusValue): string {
  if (value === null) return "<nil>";
  if (typeof value === "number") {
    // JS has one number type; integral values print as a Go int would
    return Number.isSafeInteger(value) ? String(value) : goFormatFloat(value);
  }
  return String(value);
}

/** fmt's %v for a float64: shortest digits, exponent form below 1e-4 and from 1e6 up. */
function goFormatFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mant, e] = x.toExponential().split("e") as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(x);
}

const QUOTE_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
  '"': '\\"',
};

/** Go's strconv.Quote (what %q prints): printable runes kept, the rest escaped. */
export function goStrconvQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const named = QUOTE_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\ufffd"; // a lone surrogate is invalid UTF-8 to Go
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp === 0x20 || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += ch;
    else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out + '"';
}

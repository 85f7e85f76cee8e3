/**
 * Go's time.ParseDuration and Duration.String, on bigint nanoseconds so that
 * every value Go accepts (the whole int64 range) round-trips exactly.
 */

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5 micro sign
  "μs": 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;

export class GoDurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoDurationError";
  }
}

function goQuoteForError(s: string): string {
  return JSON.stringify(s); // strconv.Quote matches JSON quoting for printable input
}

/** Parses a duration string such as "300ms", "-1.5h" or "2h45m". */
export function parseGoDuration(input: string): bigint {
  const orig = input;
  let s = input;
  let neg = false;
  const invalid = () => new GoDurationError(`time: invalid duration ${goQuoteForError(orig)}`);

  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();

  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || (s[0]! >= "0" && s[0]! <= "9"))) throw invalid();
    const intMatch = /^[0-9]*/.exec(s)![0];
    s = s.slice(intMatch.length);
    let fracDigits = "";
    const pre = intMatch !== "";
    let post = false;
    if (s[0] === ".") {
      s = s.slice(1);
      fracDigits = /^[0-9]*/.exec(s)![0];
      s = s.slice(fracDigits.length);
      post = fracDigits !== "";
    }
    if (!pre && !post) throw invalid();

    const unitMatch = /^[^0-9.]*/.exec(s)![0];
    s = s.slice(unitMatch.length);
    if (unitMatch === "") throw new GoDurationError(`time: missing unit in duration ${goQuoteForError(orig)}`);
    const unit = UNITS[unitMatch];
    if (unit === undefined) {
      throw new GoDurationError(`time: unknown unit ${goQuoteForError(unitMatch)} in duration ${goQuoteForError(orig)}`);
    }

    const whole = intMatch === "" ? 0n : BigInt(intMatch);
    if (whole > MAX_INT64 / unit) throw invalid();
    let v = whole * unit;
    if (fracDigits !== "") {
      // Go truncates the fractional part toward zero at nanosecond precision.
      const scale = 10n ** BigInt(fracDigits.length);
      v += (BigInt(fracDigits) * unit) / scale;
    }
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) throw invalid();
  }
  return neg ? -total : total;
}

function fmtFrac(v: bigint, prec: number): { rest: bigint; text: string } {
  let text = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) text = digit.toString() + text;
    v /= 10n;
  }
  return { rest: v, text: print ? "." + text : "" };
}

/** Duration.String: "1h30m0s", "1.5s", "500ms", "0s". */
export function formatGoDuration(d: bigint): string {
  if (d === 0n) return "0s";
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    // sub-second: the largest unit that keeps a leading non-zero digit
    let prec: number;
    let unit: string;
    if (u < 1_000n) {
      return (neg ? "-" : "") + u.toString() + "ns";
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = "µs";
    } else {
      prec = 6;
      unit = "ms";
    }
    const { rest, text } = fmtFrac(u, prec);
    out = rest.toString() + text + unit;
  } else {
    const { rest, text } = fmtFrac(u, 9);
    u = rest;
    out = (u % 60n).toString() + text + "s";
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + "m" + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + "h" + out;
    }
  }
  return (neg ? "-" : "") + out;
}

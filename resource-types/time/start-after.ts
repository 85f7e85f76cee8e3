import { formatGo, GoTimeError, parseGo, type GoTime } from "../../src/compat/go-time.ts";

/**
 * `start_after`: a date, optionally with a time, parsed by Go's time.Parse
 * (so in UTC, with a fractional second tolerated after the seconds and the
 * day checked against the month). Only its wall-clock fields matter later,
 * when check reads them in `location`.
 */
export const START_AFTER_FORMATS = [
  "2006-01-02T15:04:05",
  "2006-01-02T15:04",
  "2006-01-02T15",
  "2006-01-02",
  "2006-01-02 15:04:05",
] as const;

export function parseStartAfter(text: string): GoTime {
  for (const layout of START_AFTER_FORMATS) {
    try {
      return parseGo(layout, text);
    } catch (e) {
      if (!(e instanceof GoTimeError)) throw e;
    }
  }
  throw new GoTimeError(`invalid date format: ${text}, must be one of: ${START_AFTER_FORMATS.join(", ")}`);
}

/** How the `in` script's input file prints it (fraction dropped). */
export function formatStartAfter(t: GoTime): string {
  return formatGo(t, "2006-01-02T15:04:05");
}

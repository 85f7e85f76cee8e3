import { GoTimeError, inZone, parseGo, UTC, wallClock } from "../../src/compat/go-time.ts";

/**
 * `start` / `stop`: a clock time, optionally with a numeric offset. Upstream
 * tries these layouts in order with Go's time.Parse and keeps only the hour
 * and minute of the result in UTC, so "8:00 -0500" becomes 13:00. That hour
 * is later read as a wall clock in `location`; the mismatch is upstream's and
 * is kept on purpose (reference §2).
 */
export const TIME_OF_DAY_FORMATS = [
  "3:04 PM -0700",
  "3PM -0700",
  "3 PM -0700",
  "15:04 -0700",
  "1504 -0700",
  "3:04 PM",
  "3PM",
  "3 PM",
  "15:04",
  "1504",
] as const;

export interface TimeOfDay {
  hour: number;
  minute: number;
}

export function parseTimeOfDay(text: string): TimeOfDay {
  for (const layout of TIME_OF_DAY_FORMATS) {
    let parsed;
    try {
      parsed = parseGo(layout, text);
    } catch (e) {
      if (e instanceof GoTimeError) continue;
      throw e;
    }
    const w = wallClock(inZone(parsed, UTC));
    return { hour: w.hour, minute: w.minute };
  }
  throw new GoTimeError(`invalid time format: ${text}, must be one of: ${TIME_OF_DAY_FORMATS.join(", ")}`);
}

/** TimeOfDay.String(): "8:00", "13:05". */
export function formatTimeOfDay(t: TimeOfDay): string {
  return `${t.hour}:${String(t.minute).padStart(2, "0")}`;
}

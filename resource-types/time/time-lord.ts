import {
  addDate,
  after,
  before,
  goDate,
  inZone,
  sub,
  UTC,
  wallClock,
  weekday,
  type GoTime,
  type GoZone,
} from "../../src/compat/go-time.ts";
import type { TimeOfDay } from "./time-of-day.ts";

/**
 * The predicate behind check (upstream's TimeLord.Check, reference §2): may
 * a new version be emitted at `now`? Everything is computed on wall clocks in
 * `location`, with Go's time.Date and AddDate, so DST days behave as upstream.
 */
export interface TimeLord {
  /** the previous version, or null when there is none (or it is Go's zero time) */
  previous: GoTime | null;
  location: GoZone | null;
  start: TimeOfDay | null;
  stop: TimeOfDay | null;
  /** nanoseconds; zero and negative are allowed, as in Go */
  interval: bigint | null;
  days: readonly number[] | null;
  startAfter: GoTime | null;
}

const MIDNIGHT: TimeOfDay = { hour: 0, minute: 0 };

function loc(tl: TimeLord): GoZone {
  return tl.location ?? UTC;
}

/**
 * The latest daily window that starts at or before `ref`: today's start, or
 * yesterday's when today's is still ahead; stop is the next stop after it
 * (equal times mean 24 hours). Unset start and stop are both midnight.
 */
export function latestRangeBefore(tl: TimeLord, ref: GoTime): { start: GoTime; stop: GoTime } {
  const startTod = tl.start ?? MIDNIGHT;
  const stopTod = tl.stop ?? MIDNIGHT;
  const zone = loc(tl);
  const refWall = wallClock(inZone(ref, zone));
  let start = goDate(refWall.year, refWall.month, refWall.day, startTod.hour, startTod.minute, 0, 0, zone);
  if (after(start, ref)) start = addDate(start, 0, 0, -1);
  const startWall = wallClock(start);
  let stop = goDate(startWall.year, startWall.month, startWall.day, stopTod.hour, stopTod.minute, 0, 0, zone);
  if (!after(stop, start)) stop = addDate(stop, 0, 0, 1);
  return { start, stop };
}

function daysMatch(tl: TimeLord, t: GoTime): boolean {
  if (tl.days === null || tl.days.length === 0) return true;
  return tl.days.includes(weekday(inZone(t, loc(tl))));
}

export function shouldEmit(tl: TimeLord, now: GoTime): boolean {
  const { start, stop } = latestRangeBefore(tl, now);
  if (!daysMatch(tl, now)) return false;
  if (tl.startAfter !== null) {
    // only the wall-clock fields count, read in location; the fraction is dropped
    const sa = wallClock(tl.startAfter);
    const startAfter = goDate(sa.year, sa.month, sa.day, sa.hour, sa.minute, sa.second, 0, loc(tl));
    if (!before(startAfter, now)) return false;
  }
  if (before(now, start) || !before(now, stop)) return false;
  if (tl.previous === null) return true;
  if (tl.interval !== null) return sub(now, tl.previous) >= tl.interval;
  return before(tl.previous, start);
}

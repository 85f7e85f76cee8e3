import { GoTimeError, WEEKDAY_NAMES } from "../../src/compat/go-time.ts";

const BY_NAME = new Map<string, number>();
WEEKDAY_NAMES.forEach((name, day) => {
  BY_NAME.set(name.toLowerCase(), day);
  BY_NAME.set(name.slice(0, 3).toLowerCase(), day);
});

/** "Monday", "mon", "MON"... to 0 (Sunday) - 6; anything else is upstream's error. */
export function parseWeekday(text: string): number {
  const day = BY_NAME.get(text.toLowerCase());
  if (day === undefined) throw new GoTimeError(`unknown weekday: ${text}`);
  return day;
}

/** time.Weekday.String(). */
export function formatWeekday(day: number): string {
  return WEEKDAY_NAMES[day]!;
}

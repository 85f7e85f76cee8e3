import * as z from "zod";
import { parseGoDuration } from "../../src/compat/go-duration.ts";
import { loadLocation, parseRFC3339 } from "../../src/compat/go-time.ts";
import { parseStartAfter } from "./start-after.ts";
import { parseTimeOfDay } from "./time-of-day.ts";
import { parseWeekday } from "./weekday.ts";

/**
 * The time resource's configuration (reference §2). Upstream ignores unknown
 * keys, so objects are loose; every field may be absent or null, which Go
 * reads as unset. decode.ts reproduces Go's exact errors; these schemas
 * describe the same shapes for JSON Schema and for callers outside the
 * protocol path.
 */

const parses = (parse: (s: string) => unknown) => (s: string) => {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
};

const timeOfDay = z
  .string()
  .refine(parses(parseTimeOfDay), "not a time of day such as 3:04 PM, 15:04 or 1504 -0700")
  .nullable()
  .optional();

export const sourceSchema = z.looseObject({
  initial_version: z
    .boolean()
    .nullable()
    .optional()
    .describe("with no previous version, emit the current time at once, whatever the window"),
  interval: z
    .string()
    .refine(parses(parseGoDuration), "not a Go duration")
    .nullable()
    .optional()
    .describe("Go duration between versions, e.g. 60s or 1h30m"),
  start: timeOfDay.describe("start of the daily window (needs stop): 3:04 PM, 3PM, 3 PM, 15:04 or 1504, optionally followed by -0700"),
  stop: timeOfDay.describe("end of the daily window (needs start); equal to start means the whole day"),
  days: z
    .array(z.string().refine(parses(parseWeekday), "not a weekday"))
    .nullable()
    .optional()
    .describe("weekdays on which versions may appear: Monday or mon, any case"),
  location: z
    .string()
    .refine(parses(loadLocation), "not a known IANA time zone")
    .nullable()
    .optional()
    .describe("IANA time zone of the window and of new versions; default UTC"),
  start_after: z
    .string()
    .refine(parses(parseStartAfter), "not a date such as 2006-01-02 or 2006-01-02T15:04:05")
    .nullable()
    .optional()
    .describe("no version until after this wall-clock time in location"),
});

export const versionSchema = z.looseObject({
  time: z
    .string()
    .refine(parses(parseRFC3339), "not an RFC 3339 time")
    .describe("RFC 3339 instant as Go prints it, nanoseconds and offset included"),
});

export const getParamsSchema = z.looseObject({}).describe("time takes no get params");
export const putParamsSchema = z.looseObject({}).describe("time takes no put params");

export type TimeSourceInput = z.input<typeof sourceSchema>;
export type TimeVersion = { time: string };

import { describe, expect, it } from "vitest";
import { marshalTime, parseRFC3339, UTC, type GoTime, type GoZone } from "../../src/compat/go-time.ts";
import { parseStartAfter } from "./start-after.ts";
import { latestRangeBefore, shouldEmit, type TimeLord } from "./time-lord.ts";

const NY: GoZone = { kind: "iana", name: "America/New_York" };
const HOUR = 3_600_000_000_000n;
const MINUTE = 60_000_000_000n;

const t = (text: string): GoTime => parseRFC3339(text);
const lord = (over: Partial<TimeLord> = {}): TimeLord => ({
  previous: null,
  location: null,
  start: null,
  stop: null,
  interval: null,
  days: null,
  startAfter: null,
  ...over,
});
const range = (tl: TimeLord, ref: string) => {
  const { start, stop } = latestRangeBefore(tl, t(ref));
  return [marshalTime(start), marshalTime(stop)];
};
const later = (x: GoTime, d: bigint): GoTime => ({ ns: x.ns + d, zone: x.zone });

describe("latestRangeBefore", () => {
  it("defaults to the day around the reference, midnight to midnight", () => {
    expect(range(lord(), "2024-06-01T12:00:00Z")).toEqual(["2024-06-01T00:00:00Z", "2024-06-02T00:00:00Z"]);
    expect(range(lord(), "2024-06-01T00:00:00Z")).toEqual(["2024-06-01T00:00:00Z", "2024-06-02T00:00:00Z"]);
  });

  it("takes yesterday's start while today's is ahead, and wraps a window across midnight", () => {
    const tl = lord({ start: { hour: 22, minute: 0 }, stop: { hour: 2, minute: 0 } });
    expect(range(tl, "2024-06-01T01:00:00Z")).toEqual(["2024-05-31T22:00:00Z", "2024-06-01T02:00:00Z"]);
    expect(range(tl, "2024-06-01T23:00:00Z")).toEqual(["2024-06-01T22:00:00Z", "2024-06-02T02:00:00Z"]);
    expect(range(tl, "2024-06-01T12:00:00Z")).toEqual(["2024-05-31T22:00:00Z", "2024-06-01T02:00:00Z"]);
  });

  it("reads the window on wall clocks in location, short and long days included", () => {
    expect(range(lord({ location: NY }), "2024-03-10T12:00:00Z")).toEqual(["2024-03-10T00:00:00-05:00", "2024-03-11T00:00:00-04:00"]);
    expect(range(lord({ location: NY }), "2024-11-03T12:00:00Z")).toEqual(["2024-11-03T00:00:00-04:00", "2024-11-04T00:00:00-05:00"]);
  });

  it("places a start inside the spring-forward gap where Go's time.Date does", () => {
    const tl = lord({ location: NY, start: { hour: 2, minute: 30 }, stop: { hour: 4, minute: 0 } });
    expect(range(tl, "2024-03-10T07:30:00Z")).toEqual(["2024-03-10T01:30:00-05:00", "2024-03-10T04:00:00-04:00"]);
    // before that start, the window is yesterday's
    expect(range(tl, "2024-03-10T06:15:00Z")).toEqual(["2024-03-09T01:30:00-05:00", "2024-03-09T04:00:00-05:00"]);
  });

  it("treats equal start and stop as a whole day", () => {
    const tl = lord({ start: { hour: 8, minute: 0 }, stop: { hour: 8, minute: 0 } });
    expect(range(tl, "2024-06-01T07:59:00Z")).toEqual(["2024-05-31T08:00:00Z", "2024-06-01T08:00:00Z"]);
  });
});

describe("shouldEmit", () => {
  const now = t("2024-06-01T12:00:00Z");

  it("emits with no previous version when inside the window", () => {
    expect(shouldEmit(lord(), now)).toBe(true);
    expect(shouldEmit(lord({ start: { hour: 11, minute: 0 }, stop: { hour: 13, minute: 0 } }), now)).toBe(true);
    expect(shouldEmit(lord({ start: { hour: 13, minute: 0 }, stop: { hour: 14, minute: 0 } }), now)).toBe(false);
    // stop is exclusive, start inclusive
    expect(shouldEmit(lord({ start: { hour: 11, minute: 0 }, stop: { hour: 12, minute: 0 } }), now)).toBe(false);
    expect(shouldEmit(lord({ start: { hour: 12, minute: 0 }, stop: { hour: 13, minute: 0 } }), now)).toBe(true);
  });

  it("needs the whole interval to have elapsed", () => {
    const interval = HOUR;
    expect(shouldEmit(lord({ interval, previous: later(now, -59n * MINUTE) }), now)).toBe(false);
    expect(shouldEmit(lord({ interval, previous: later(now, -HOUR) }), now)).toBe(true);
    expect(shouldEmit(lord({ interval, previous: later(now, -HOUR + 1n) }), now)).toBe(false);
  });

  it("accepts zero and negative intervals, as Go does", () => {
    expect(shouldEmit(lord({ interval: 0n, previous: now }), now)).toBe(true);
    expect(shouldEmit(lord({ interval: -HOUR, previous: later(now, 10n * MINUTE) }), now)).toBe(true);
    expect(shouldEmit(lord({ interval: -HOUR, previous: later(now, 2n * HOUR) }), now)).toBe(false);
  });

  it("without an interval, emits once per window: when the previous version is before its start", () => {
    const tl = { start: { hour: 11, minute: 0 }, stop: { hour: 13, minute: 0 } };
    expect(shouldEmit(lord({ ...tl, previous: t("2024-06-01T10:59:59.999999999Z") }), now)).toBe(true);
    expect(shouldEmit(lord({ ...tl, previous: t("2024-06-01T11:00:00Z") }), now)).toBe(false);
    // no interval, no range: one version a day
    expect(shouldEmit(lord({ previous: t("2024-05-31T23:59:59Z") }), now)).toBe(true);
    expect(shouldEmit(lord({ previous: t("2024-06-01T00:00:00Z") }), now)).toBe(false);
  });

  it("matches days in location, not in UTC", () => {
    const saturdayEveningInNY = t("2024-03-10T03:30:00Z"); // Sunday in UTC
    expect(shouldEmit(lord({ days: [6], location: NY }), { ...saturdayEveningInNY, zone: NY })).toBe(true);
    expect(shouldEmit(lord({ days: [6] }), saturdayEveningInNY)).toBe(false);
    expect(shouldEmit(lord({ days: [0] }), saturdayEveningInNY)).toBe(true);
    expect(shouldEmit(lord({ days: [] }), saturdayEveningInNY)).toBe(true);
  });

  it("waits until strictly after start_after, read in location", () => {
    const tl = lord({ location: NY, startAfter: parseStartAfter("2024-03-10T02:30") });
    // 02:30 does not exist that night; Go's time.Date makes it 01:30 EST
    expect(shouldEmit(tl, { ...t("2024-03-10T06:30:00Z"), zone: NY })).toBe(false);
    expect(shouldEmit(tl, { ...t("2024-03-10T06:30:00.000000001Z"), zone: NY })).toBe(true);
    // the fraction of start_after is dropped
    expect(shouldEmit(lord({ startAfter: parseStartAfter("2024-01-01T00:00:00.5") }), t("2024-01-01T00:00:00.1Z"))).toBe(true);
    expect(shouldEmit(lord({ startAfter: parseStartAfter("2030-01-01") }), now)).toBe(false);
  });

  it("checks days before start_after and the window before the previous version", () => {
    const tl = lord({ days: [1], startAfter: parseStartAfter("2020-01-01"), previous: t("2000-01-01T00:00:00Z"), interval: HOUR });
    expect(shouldEmit(tl, now)).toBe(false); // 2024-06-01 is a Saturday
    expect(shouldEmit({ ...tl, days: [6] }, now)).toBe(true);
    expect(shouldEmit({ ...tl, days: null, location: UTC, start: { hour: 1, minute: 0 }, stop: { hour: 2, minute: 0 } }, now)).toBe(false);
  });
});

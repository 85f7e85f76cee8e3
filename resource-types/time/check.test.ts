import { describe, expect, it } from "vitest";
import { createContext, fixedClock } from "../../src/protocol/context.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { timeType } from "./index.ts";

const at = (iso: string, extraNanos = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + extraNanos;
const silent = { log() {}, raw() {} };

/** What the check script prints for this request at this instant. */
async function check(request: unknown, now: bigint): Promise<string> {
  const ctx = createContext({ clock: fixedClock(now), logger: silent });
  return timeType.encodeResponse(await timeType.check(timeType.decodeCheck(JSON.stringify(request)), ctx));
}
async function checkError(request: unknown, now = at("2024-06-01T12:00:00Z")): Promise<string> {
  try {
    await check(request, now);
  } catch (e) {
    if (isJetwayError(e)) return e.stderr;
    throw e;
  }
  throw new Error("expected a failure");
}
const versions = (...times: string[]) => JSON.stringify(times.map((time) => ({ time }))) + "\n";

const NOON = at("2024-06-01T12:00:00Z", 123_456_789n);
const NY = "America/New_York";

describe("check", () => {
  it("emits now when there is no previous version", async () => {
    expect(await check({ source: { interval: "1m" } }, NOON)).toBe(versions("2024-06-01T12:00:00.123456789Z"));
    expect(await check({ source: {} }, NOON)).toBe(versions("2024-06-01T12:00:00.123456789Z"));
  });

  it("echoes the previous version exactly and adds now once the interval has passed", async () => {
    const prev = "2024-06-01T07:00:00.000000001-04:00";
    expect(await check({ source: { interval: "1h" }, version: { time: prev } }, NOON)).toBe(
      versions(prev, "2024-06-01T12:00:00.123456789Z"),
    );
    expect(await check({ source: { interval: "2h" }, version: { time: prev } }, NOON)).toBe(versions(prev));
  });

  it("re-encodes the previous version the Go way", async () => {
    expect(await check({ source: { interval: "24h" }, version: { time: "2024-06-01T08:00:00.500+00:00" } }, NOON)).toBe(
      versions("2024-06-01T08:00:00.5Z"),
    );
  });

  it("prints null when nothing qualifies and there is no previous version", async () => {
    expect(await check({ source: { start: "13:00", stop: "14:00" } }, NOON)).toBe("null\n");
    expect(await check({ source: { days: ["sunday"] } }, NOON)).toBe("null\n");
    expect(await check({ source: { start_after: "2024-06-02" } }, NOON)).toBe("null\n");
  });

  it("treats the zero time as no version", async () => {
    expect(await check({ source: { interval: "1h" }, version: { time: "0001-01-01T00:00:00Z" } }, NOON)).toBe(
      versions("2024-06-01T12:00:00.123456789Z"),
    );
  });

  it("answers [now] for initial_version without a previous version, whatever the window", async () => {
    expect(await check({ source: { initial_version: true, start: "13:00", stop: "14:00", location: NY } }, NOON)).toBe(
      versions("2024-06-01T08:00:00.123456789-04:00"),
    );
    const prev = "2024-06-01T11:59:00Z";
    expect(await check({ source: { initial_version: true, interval: "1h" }, version: { time: prev } }, NOON)).toBe(versions(prev));
  });

  it("emits new versions in location", async () => {
    expect(await check({ source: { location: "Asia/Kolkata" } }, NOON)).toBe(versions("2024-06-01T17:30:00.123456789+05:30"));
    expect(await check({ source: { location: "" } }, NOON)).toBe(versions("2024-06-01T12:00:00.123456789Z"));
  });

  it("emits once per window without an interval", async () => {
    const source = { start: "11:00", stop: "13:00" };
    expect(await check({ source, version: { time: "2024-06-01T10:00:00Z" } }, NOON)).toBe(
      versions("2024-06-01T10:00:00Z", "2024-06-01T12:00:00.123456789Z"),
    );
    expect(await check({ source, version: { time: "2024-06-01T11:30:00Z" } }, NOON)).toBe(versions("2024-06-01T11:30:00Z"));
  });

  it("reads start and stop with an offset as UTC clock times, then in location (upstream quirk)", async () => {
    // "8:00 -0500" is 13:00, then read as 13:00 in New York
    const source = { location: NY, start: "8:00 -0500", stop: "9:00 -0500" };
    expect(await check({ source }, at("2024-06-03T17:30:00Z"))).toBe(versions("2024-06-03T13:30:00-04:00"));
    expect(await check({ source }, at("2024-06-03T13:30:00Z"))).toBe("null\n");
  });

  it("allows negative intervals", async () => {
    const prev = "2024-06-01T12:30:00Z";
    expect(await check({ source: { interval: "-1h" }, version: { time: prev } }, NOON)).toBe(
      versions(prev, "2024-06-01T12:00:00.123456789Z"),
    );
  });
});

describe("check around DST changes in America/New_York", () => {
  it("opens a window whose start falls in the spring-forward gap where Go puts it", async () => {
    const source = { location: NY, start: "2:30", stop: "4:00" };
    // 02:30 does not exist on 2024-03-10: Go's time.Date puts it at 01:30 EST
    expect(await check({ source }, at("2024-03-10T07:30:00Z"))).toBe(versions("2024-03-10T03:30:00-04:00"));
    expect(await check({ source }, at("2024-03-10T06:30:00Z"))).toBe(versions("2024-03-10T01:30:00-05:00"));
    expect(await check({ source }, at("2024-03-10T06:15:00Z"))).toBe("null\n");
  });

  it("opens a window in the repeated hour only on its first pass", async () => {
    const source = { location: NY, start: "1:30", stop: "1:45" };
    expect(await check({ source }, at("2024-11-03T05:30:00Z"))).toBe(versions("2024-11-03T01:30:00-04:00"));
    expect(await check({ source }, at("2024-11-03T06:30:00Z"))).toBe("null\n");
  });

  it("starts the daily version at local midnight on a 23-hour day", async () => {
    const source = { location: NY };
    expect(await check({ source, version: { time: "2024-03-09T23:00:00-05:00" } }, at("2024-03-10T12:00:00Z"))).toBe(
      versions("2024-03-09T23:00:00-05:00", "2024-03-10T08:00:00-04:00"),
    );
    expect(await check({ source, version: { time: "2024-03-10T00:30:00-05:00" } }, at("2024-03-10T12:00:00Z"))).toBe(
      versions("2024-03-10T00:30:00-05:00"),
    );
  });

  it("wraps a window across midnight", async () => {
    const source = { location: NY, start: "11:00 PM", stop: "1:00 AM" };
    expect(await check({ source }, at("2024-03-10T04:30:00Z"))).toBe(versions("2024-03-09T23:30:00-05:00"));
  });

  it("matches days in location", async () => {
    const now = at("2024-03-10T03:30:00Z"); // Saturday 22:30 in New York, Sunday in UTC
    expect(await check({ source: { location: NY, days: ["sat"], interval: "1h" } }, now)).toBe(versions("2024-03-09T22:30:00-05:00"));
    expect(await check({ source: { days: ["sat"], interval: "1h" } }, now)).toBe("null\n");
  });

  it("reads start_after in location", async () => {
    const source = { location: NY, start_after: "2024-03-10T02:30", interval: "1h" };
    expect(await check({ source }, at("2024-03-10T06:45:00Z"))).toBe(versions("2024-03-10T01:45:00-05:00"));
    expect(await check({ source }, at("2024-03-10T06:15:00Z"))).toBe("null\n");
  });
});

describe("check configuration errors", () => {
  it("needs start and stop together", async () => {
    expect(await checkError({ source: { start: "8:00" } })).toBe("running command: must configure 'stop' if 'start' is set");
    expect(await checkError({ source: { stop: "8:00" } })).toBe("running command: must configure 'start' if 'stop' is set");
  });

  it("fails to print a previous version RFC 3339 cannot hold, as Go's encoder does", async () => {
    expect(await checkError({ source: {}, version: { time: "2024-06-01T08:00:00+24:00" } })).toBe(
      "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: timezone hour outside of range [0,23]",
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  addDate,
  civilFromDays,
  daysFromCivil,
  formatGo,
  formatRFC3339Nano,
  goDate,
  inZone,
  isZero,
  loadLocation,
  marshalTime,
  offsetAt,
  parseGo,
  parseRFC3339,
  sub,
  unix,
  UTC,
  wallClock,
  weekday,
  zeroTime,
  type GoTime,
  type GoZone,
} from "./go-time.ts";

// Expected strings below were produced by Go (time.Date, Format, Parse,
// MarshalJSON) for the same inputs.

const NY: GoZone = { kind: "iana", name: "America/New_York" };
const LONDON: GoZone = { kind: "iana", name: "Europe/London" };
const TIMESTAMP = "2006-01-02 15:04:05.999999999 -0700 MST";

const at = (iso: string, extraNanos = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + extraNanos;

describe("civil calendar", () => {
  it("round-trips days across eras", () => {
    for (const days of [-719_468, -1, 0, 1, 11_016, 19_783, 2_932_896]) {
      const { year, month, day } = civilFromDays(days);
      expect(daysFromCivil(year, month, day)).toBe(days);
    }
    expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
  });
});

describe("RFC 3339 (Time.MarshalJSON / UnmarshalJSON)", () => {
  it("keeps nanoseconds and the offset", () => {
    const t = parseRFC3339("2024-05-01T08:00:00.123456789-04:00");
    expect(t.ns).toBe(at("2024-05-01T12:00:00Z", 123_456_789n));
    expect(t.zone).toEqual({ kind: "fixed", offsetSeconds: -4 * 3600 });
    expect(marshalTime(t)).toBe("2024-05-01T08:00:00.123456789-04:00");
  });

  it("trims trailing fraction zeros and prints Z for a zero offset", () => {
    expect(marshalTime(parseRFC3339("2024-05-01T08:00:00.1000+05:30"))).toBe("2024-05-01T08:00:00.1+05:30");
    expect(marshalTime(parseRFC3339("2024-05-01T08:00:00.000Z"))).toBe("2024-05-01T08:00:00Z");
    // +00:00 is Local in the upstream image, which is UTC
    const local = parseRFC3339("2024-05-01T08:00:00+00:00");
    expect(local.zone).toEqual(UTC);
    expect(marshalTime(local)).toBe("2024-05-01T08:00:00Z");
    expect(marshalTime(parseRFC3339("2024-05-01T08:00:00-00:00"))).toBe("2024-05-01T08:00:00Z");
  });

  it("truncates fractions past nine digits", () => {
    expect(marshalTime(parseRFC3339("2024-05-01T08:00:00.1234567891234Z"))).toBe("2024-05-01T08:00:00.123456789Z");
  });

  it("accepts what time.Parse accepts after the strict reader refuses", () => {
    expect(marshalTime(parseRFC3339("2024-05-01T8:00:00Z"))).toBe("2024-05-01T08:00:00Z");
    expect(marshalTime(parseRFC3339("2024-05-01T08:00:00,5Z"))).toBe("2024-05-01T08:00:00.5Z");
  });

  it("handles instants before 1970 and the zero time", () => {
    const t = parseRFC3339("1969-12-31T23:59:59.5Z");
    expect(t.ns).toBe(-500_000_000n);
    expect(unix(t)).toBe(-1n);
    expect(marshalTime(t)).toBe("1969-12-31T23:59:59.5Z");
    expect(isZero(parseRFC3339("0001-01-01T00:00:00Z"))).toBe(true);
    expect(isZero(parseRFC3339("0001-01-01T01:00:00+01:00"))).toBe(true);
    expect(marshalTime(zeroTime())).toBe("0001-01-01T00:00:00Z");
  });

  it("words parse failures as Go does", () => {
    expect(() => parseRFC3339("x")).toThrow('parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"');
    expect(() => parseRFC3339("")).toThrow('parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006"');
    expect(() => parseRFC3339("2024-05-01")).toThrow('cannot parse "" as "T"');
    expect(() => parseRFC3339("2024-05-01T08:00:00")).toThrow('cannot parse "" as "Z07:00"');
    expect(() => parseRFC3339("2024-05-01T08:00:00z")).toThrow('cannot parse "z" as "Z07:00"');
    expect(() => parseRFC3339("2024-05-01T08:00:00+a5:00")).toThrow('cannot parse "+a5:00" as "Z07:00"');
    expect(() => parseRFC3339("2024-05-01T08:00:00Zjunk")).toThrow(
      'parsing time "2024-05-01T08:00:00Zjunk": extra text: "junk"',
    );
    expect(() => parseRFC3339("2024-02-30T08:00:00Z")).toThrow('parsing time "2024-02-30T08:00:00Z": day out of range');
    expect(() => parseRFC3339("2024-13-01T08:00:00Z")).toThrow(": month out of range");
    expect(() => parseRFC3339("2024-05-01T08:00:00+25:00")).toThrow(": time zone offset hour out of range");
    expect(() => parseRFC3339("2024-05-01T08:00:00é")).toThrow('parsing time "2024-05-01T08:00:00\\xc3\\xa9"');
  });

  it("refuses to marshal what RFC 3339 cannot hold", () => {
    const t = parseRFC3339("2024-05-01T08:00:00+24:00");
    expect(formatRFC3339Nano(t)).toBe("2024-05-01T08:00:00+24:00");
    expect(() => marshalTime(t)).toThrow(
      "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: timezone hour outside of range [0,23]",
    );
    expect(() => marshalTime(goDate(10000, 1, 1, 0, 0, 0, 0, UTC))).toThrow("year outside of range [0,9999]");
    expect(() => marshalTime(goDate(0, 1, 1, 0, 0, 0, 0, UTC))).not.toThrow();
    expect(() => marshalTime(goDate(-1, 1, 1, 0, 0, 0, 0, UTC))).toThrow("year outside of range [0,9999]");
  });
});

describe("Format", () => {
  it("prints Go's timestamp layout for UTC and for nameless fixed zones", () => {
    expect(formatGo(parseRFC3339("2020-06-01T12:00:00Z"), TIMESTAMP)).toBe("2020-06-01 12:00:00 +0000 UTC");
    expect(formatGo(parseRFC3339("2024-05-01T08:00:00.123456789-04:00"), TIMESTAMP)).toBe(
      "2024-05-01 08:00:00.123456789 -0400 -0400",
    );
    expect(formatGo(parseRFC3339("2024-05-01T08:00:00.5+05:30"), TIMESTAMP)).toBe("2024-05-01 08:00:00.5 +0530 +0530");
  });

  it("prints lettered abbreviations for IANA zones where Intl knows them", () => {
    expect(formatGo({ ns: at("2024-07-01T12:00:00Z"), zone: NY }, TIMESTAMP)).toBe("2024-07-01 08:00:00 -0400 EDT");
  });

  it("prints historical offsets truncated to minutes", () => {
    const lmt = goDate(1800, 6, 1, 12, 0, 0, 0, { kind: "iana", name: "Europe/Dublin" });
    expect(marshalTime(lmt)).toBe("1800-06-01T12:00:00-00:25");
    expect(unix(lmt)).toBe(-5351571279n);
  });
});

describe("time.Date", () => {
  const date = (y: number, mo: number, d: number, h: number, mi: number, zone: GoZone = NY): string =>
    marshalTime(goDate(y, mo, d, h, mi, 0, 0, zone));

  it("resolves a wall time skipped by DST the way Go does", () => {
    // 02:30 does not exist on 2024-03-10 in New York; Go lands on 01:30 EST
    expect(date(2024, 3, 10, 2, 30)).toBe("2024-03-10T01:30:00-05:00");
    expect(date(2024, 3, 10, 3, 0)).toBe("2024-03-10T03:00:00-04:00");
    // London's gap goes the other way: 01:30 becomes 02:30 BST
    expect(date(2024, 3, 31, 1, 30, LONDON)).toBe("2024-03-31T02:30:00+01:00");
  });

  it("resolves a repeated wall time to the first occurrence in New York, the second in London", () => {
    expect(date(2024, 11, 3, 1, 30)).toBe("2024-11-03T01:30:00-04:00");
    expect(date(2024, 10, 27, 1, 30, LONDON)).toBe("2024-10-27T01:30:00Z");
  });

  it("normalises out-of-range fields", () => {
    expect(date(2024, 13, 1, 0, 0, UTC)).toBe("2025-01-01T00:00:00Z");
    expect(date(2024, 0, 0, 0, 0, UTC)).toBe("2023-11-30T00:00:00Z");
    expect(marshalTime(goDate(2024, 2, 30, 25, 61, 61, 1_500_000_000, UTC))).toBe("2024-03-02T02:02:02.5Z");
    expect(marshalTime(goDate(2024, 1, 1, -1, -1, -1, -1, UTC))).toBe("2023-12-31T22:58:58.999999999Z");
  });

  it("skips a day removed from the calendar (Samoa, 2011-12-30)", () => {
    expect(date(2011, 12, 30, 12, 0, { kind: "iana", name: "Pacific/Apia" })).toBe("2011-12-31T12:00:00+14:00");
  });
});

describe("AddDate", () => {
  it("keeps the wall clock across DST changes", () => {
    const t = goDate(2024, 3, 9, 8, 0, 0, 0, NY);
    expect(marshalTime(addDate(t, 0, 0, 1))).toBe("2024-03-10T08:00:00-04:00");
    expect(sub(addDate(t, 0, 0, 1), t)).toBe(23n * 3_600_000_000_000n);
    expect(marshalTime(addDate(goDate(2024, 11, 3, 1, 30, 0, 0, NY), 0, 0, 40))).toBe("2024-12-13T01:30:00-05:00");
    expect(marshalTime(addDate(goDate(2024, 3, 31, 0, 0, 0, 0, UTC), 0, 0, -31))).toBe("2024-02-29T00:00:00Z");
  });
});

describe("zones and wall clocks", () => {
  it("reads offsets of IANA zones at an instant", () => {
    expect(offsetAt(NY, Number(at("2024-01-15T12:00:00Z") / 1_000_000_000n))).toBe(-5 * 3600);
    expect(offsetAt(NY, Number(at("2024-07-15T12:00:00Z") / 1_000_000_000n))).toBe(-4 * 3600);
    expect(offsetAt({ kind: "iana", name: "Australia/Lord_Howe" }, Number(at("2024-01-15T12:00:00Z") / 1_000_000_000n))).toBe(
      11 * 3600,
    );
  });

  it("gives weekday and clock fields in the zone", () => {
    const t: GoTime = { ns: at("2024-03-10T03:30:00Z", 7n), zone: NY };
    const w = wallClock(t);
    expect([w.year, w.month, w.day, w.hour, w.minute, w.nanosecond, w.offset]).toEqual([2024, 3, 9, 22, 30, 7, -5 * 3600]);
    expect(weekday(t)).toBe(6);
    expect(weekday(inZone(t, UTC))).toBe(0);
  });

  it("floors Unix seconds", () => {
    expect(unix({ ns: -1n, zone: UTC })).toBe(-1n);
    expect(unix({ ns: 1_999_999_999n, zone: UTC })).toBe(1n);
  });

  it("saturates Sub like Go", () => {
    const far: GoTime = { ns: 10n ** 19n, zone: UTC };
    expect(sub(far, { ns: -(10n ** 19n), zone: UTC })).toBe((1n << 63n) - 1n);
    expect(sub({ ns: -(10n ** 19n), zone: UTC }, far)).toBe(-(1n << 63n));
  });
});

describe("LoadLocation", () => {
  it("loads UTC for empty and UTC, and IANA names as given", () => {
    expect(loadLocation("")).toEqual({ zone: UTC, name: "UTC" });
    expect(loadLocation("UTC")).toEqual({ zone: UTC, name: "UTC" });
    expect(loadLocation("America/New_York")).toEqual({ zone: NY, name: "America/New_York" });
    expect(loadLocation("US/Eastern").name).toBe("US/Eastern");
    expect(loadLocation("Local")).toEqual({ zone: UTC, name: "" });
  });

  it("refuses what zoneinfo does not have", () => {
    expect(() => loadLocation("Foo/Bar")).toThrow("unknown time zone Foo/Bar");
    expect(() => loadLocation("america/new_york")).toThrow("unknown time zone america/new_york");
    expect(() => loadLocation("utc")).toThrow("unknown time zone utc");
    expect(() => loadLocation("+05:00")).toThrow("unknown time zone +05:00");
    expect(() => loadLocation("../etc/passwd")).toThrow("time: invalid location name");
    expect(() => loadLocation("/etc/localtime")).toThrow("time: invalid location name");
  });
});

describe("time.Parse with the resource's layouts", () => {
  it("takes one- or two-digit hours and exactly two-digit minutes", () => {
    expect(wallClock(parseGo("15:04", "8:05")).hour).toBe(8);
    expect(() => parseGo("15:04", "8:5")).toThrow('parsing time "8:5" as "15:04": cannot parse "5" as "04"');
    expect(() => parseGo("15:04", "25:00")).toThrow('parsing time "25:00": hour out of range');
    expect(() => parseGo("3PM", "12 PM")).toThrow('parsing time "12 PM" as "3PM": cannot parse " PM" as "PM"');
  });

  it("lets a layout space match a run of spaces or the end of input", () => {
    expect(marshalTime(parseGo("3:04 PM", "8:00   PM"))).toBe("0000-01-01T20:00:00Z");
    expect(() => parseGo("3:04 PM", "8:00")).toThrow('cannot parse "" as "PM"');
  });

  it("turns a numeric offset into a fixed zone", () => {
    const t = parseGo("15:04 -0700", "8:00 -0500");
    expect(t.zone).toEqual({ kind: "fixed", offsetSeconds: -5 * 3600 });
    expect(wallClock(inZone(t, UTC)).hour).toBe(13);
  });
});

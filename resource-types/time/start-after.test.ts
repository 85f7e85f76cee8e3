import { describe, expect, it } from "vitest";
import { nanosecond } from "../../src/compat/go-time.ts";
import { formatStartAfter, parseStartAfter, START_AFTER_FORMATS } from "./start-after.ts";

describe("parseStartAfter", () => {
  it("reads each layout", () => {
    expect(formatStartAfter(parseStartAfter("2024-01-01T05:06:07"))).toBe("2024-01-01T05:06:07");
    expect(formatStartAfter(parseStartAfter("2024-01-01T05:06"))).toBe("2024-01-01T05:06:00");
    expect(formatStartAfter(parseStartAfter("2024-01-01T5"))).toBe("2024-01-01T05:00:00");
    expect(formatStartAfter(parseStartAfter("2024-02-29"))).toBe("2024-02-29T00:00:00");
    expect(formatStartAfter(parseStartAfter("2024-01-01 05:06:07"))).toBe("2024-01-01T05:06:07");
    expect(formatStartAfter(parseStartAfter("0000-01-01"))).toBe("0000-01-01T00:00:00");
  });

  it("tolerates a fractional second, which printing drops", () => {
    const t = parseStartAfter("2024-01-01T05:06:07.123456789");
    expect(nanosecond(t)).toBe(123_456_789);
    expect(formatStartAfter(t)).toBe("2024-01-01T05:06:07");
    expect(nanosecond(parseStartAfter("2024-01-01T05:06:07,5"))).toBe(500_000_000);
  });

  it("refuses dates that are not on the calendar and anything else", () => {
    const formats = START_AFTER_FORMATS.join(", ");
    for (const bad of ["2023-02-29", "2024-04-31", "2024-13-01", "2024-1-01", "2024-01-01x", "2024-01-01T24:00", "2024-01-01T10:00Z", ""]) {
      expect(() => parseStartAfter(bad), bad).toThrow(`invalid date format: ${bad}, must be one of: ${formats}`);
    }
  });
});

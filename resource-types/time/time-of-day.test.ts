import { describe, expect, it } from "vitest";
import { formatTimeOfDay, parseTimeOfDay, TIME_OF_DAY_FORMATS } from "./time-of-day.ts";

const hhmm = (text: string) => formatTimeOfDay(parseTimeOfDay(text));

describe("parseTimeOfDay", () => {
  it("reads each of the ten layouts", () => {
    expect(hhmm("3:04 PM -0700")).toBe("22:04");
    expect(hhmm("3PM -0700")).toBe("22:00");
    expect(hhmm("3 PM -0700")).toBe("22:00");
    expect(hhmm("15:04 -0700")).toBe("22:04");
    expect(hhmm("1504 -0700")).toBe("22:04");
    expect(hhmm("3:04 PM")).toBe("15:04");
    expect(hhmm("3PM")).toBe("15:00");
    expect(hhmm("3 PM")).toBe("15:00");
    expect(hhmm("15:04")).toBe("15:04");
    expect(hhmm("1504")).toBe("15:04");
  });

  it("keeps only the UTC hour and minute of an offset time (upstream quirk)", () => {
    expect(hhmm("8:00 -0500")).toBe("13:00");
    expect(hhmm("8:00 +0530")).toBe("2:30");
    expect(hhmm("20:00 -0500")).toBe("1:00");
    expect(hhmm("12:00 AM +0100")).toBe("23:00");
    expect(hhmm("8:00 +2400")).toBe("8:00");
  });

  it("follows Go's hour rules", () => {
    expect(hhmm("08:00")).toBe("8:00");
    expect(hhmm("12 AM")).toBe("0:00");
    expect(hhmm("12 PM")).toBe("12:00");
    expect(hhmm("0 PM")).toBe("12:00");
    expect(hhmm("0000")).toBe("0:00");
    expect(hhmm("8:00  PM")).toBe("20:00"); // a layout space matches several
  });

  it("refuses anything else with upstream's message", () => {
    const formats = TIME_OF_DAY_FORMATS.join(", ");
    // "800": "15" takes two digits (80) before "04" can; Go 1.20+ range-checks offsets
    for (const bad of ["800", "3:04PM", "25:00", "8:60", "8:5", "8:00 pm", "8:00 PM ", " 8:00", "2400", "13 PM", "", "8:00 +2500", "8:00 +2061", "8:00 x0500"]) {
      expect(() => parseTimeOfDay(bad), bad).toThrow(`invalid time format: ${bad}, must be one of: ${formats}`);
    }
  });
});

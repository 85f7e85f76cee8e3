import { describe, expect, it } from "vitest";
import { formatGoDuration, parseGoDuration } from "./go-duration.ts";

describe("parseGoDuration", () => {
  it.each([
    ["0", 0n],
    ["1s", 1_000_000_000n],
    ["1h30m", 5_400_000_000_000n],
    ["-1.5h", -5_400_000_000_000n],
    ["+300ms", 300_000_000n],
    ["1.0000000019s", 1_000_000_001n],
    [".5m", 30_000_000_000n],
    ["2µs3ns", 2_003n],
    ["1μs", 1_000n],
  ])("%s", (text, nanos) => {
    expect(parseGoDuration(text)).toBe(nanos);
  });

  it.each([
    ["", 'time: invalid duration ""'],
    ["abc", 'time: invalid duration "abc"'],
    ["1", 'time: missing unit in duration "1"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    [".s", 'time: invalid duration ".s"'],
    ["3000000h", 'time: invalid duration "3000000h"'],
  ])("rejects %j", (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});

describe("formatGoDuration", () => {
  it.each([
    [0n, "0s"],
    [60_000_000_000n, "1m0s"],
    [5_400_000_000_000n, "1h30m0s"],
    [1_500_000_000n, "1.5s"],
    [500_000_000n, "500ms"],
    [1_500n, "1.5µs"],
    [7n, "7ns"],
    [-90_000_000_000n, "-1m30s"],
  ])("%s", (nanos, text) => {
    expect(formatGoDuration(nanos)).toBe(text);
  });
});

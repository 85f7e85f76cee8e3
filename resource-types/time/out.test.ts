import { describe, expect, it } from "vitest";
import { createContext, fixedClock } from "../../src/protocol/context.ts";
import { timeType } from "./index.ts";

const NOW = BigInt(Date.parse("2024-01-15T12:00:00Z")) * 1_000_000n + 5n;

async function put(request: unknown): Promise<string> {
  const ctx = { ...createContext({ clock: fixedClock(NOW), logger: { log() {}, raw() {} } }), dir: "/nonexistent" };
  return timeType.encodeResponse(await timeType.out(timeType.decodeOut(JSON.stringify(request)), ctx));
}

describe("out", () => {
  it("answers now in UTC", async () => {
    expect(await put({ source: {} })).toBe('{"version":{"time":"2024-01-15T12:00:00.000000005Z"},"metadata":null}\n');
    expect(await put({ source: { location: "UTC" }, params: { anything: 1 } })).toBe(
      '{"version":{"time":"2024-01-15T12:00:00.000000005Z"},"metadata":null}\n',
    );
  });

  it("answers now in location", async () => {
    expect(await put({ source: { location: "America/New_York" } })).toBe(
      '{"version":{"time":"2024-01-15T07:00:00.000000005-05:00"},"metadata":null}\n',
    );
    expect(await put({ source: { location: "Australia/Lord_Howe" } })).toBe(
      '{"version":{"time":"2024-01-15T23:00:00.000000005+11:00"},"metadata":null}\n',
    );
  });

  it("does not validate start and stop", async () => {
    expect(await put({ source: { start: "8:00" } })).toBe('{"version":{"time":"2024-01-15T12:00:00.000000005Z"},"metadata":null}\n');
  });
});

import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createContext, fixedClock } from "../../src/protocol/context.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { timeType } from "./index.ts";

const NOW = BigInt(Date.parse("2024-06-01T12:00:00Z")) * 1_000_000n + 120_000n;
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "time-in-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function get(request: unknown, dir = root) {
  const ctx = { ...createContext({ clock: fixedClock(NOW), logger: { log() {}, raw() {} } }), dir };
  const stdout = timeType.encodeResponse(await timeType.in(timeType.decodeIn(JSON.stringify(request)), ctx));
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name), "utf8");
  return { stdout, files };
}

describe("in", () => {
  it("writes input, timestamp and epoch for the given version, keeping its offset", async () => {
    const { stdout, files } = await get({
      source: { interval: "90m", location: "America/New_York" },
      version: { time: "2020-01-01T08:00:00.123456789-04:00" },
    });
    expect(stdout).toBe('{"version":{"time":"2020-01-01T08:00:00.123456789-04:00"},"metadata":null}\n');
    expect(files).toEqual({
      input:
        '{"source":{"initial_version":false,"interval":"1h30m0s","start":null,"stop":null,"days":null,"location":"America/New_York","start_after":null},"version":{"time":"2020-01-01T08:00:00.123456789-04:00"}}\n',
      timestamp: "2020-01-01 08:00:00.123456789 -0400 -0400",
      epoch: "1577880000",
    });
  });

  it("uses now in UTC when there is no version, and records the zero time in input", async () => {
    const { stdout, files } = await get({ source: {} });
    expect(stdout).toBe('{"version":{"time":"2024-06-01T12:00:00.00012Z"},"metadata":null}\n');
    expect(files).toEqual({
      input:
        '{"source":{"initial_version":false,"interval":null,"start":null,"stop":null,"days":null,"location":null,"start_after":null},"version":{"time":"0001-01-01T00:00:00Z"}}\n',
      timestamp: "2024-06-01 12:00:00.00012 +0000 UTC",
      epoch: "1717243200",
    });
  });

  it("re-encodes every source field the way the Go structs marshal", async () => {
    const { files } = await get({
      source: {
        initial_version: true,
        interval: "60s",
        start: "8:00 -0500",
        stop: "9 PM",
        days: ["mon", "SUNDAY"],
        location: "",
        start_after: "2024-01-02T03:04:05.9",
        unknown: "dropped",
      },
      version: { time: "2020-06-01T12:00:00+00:00" },
    });
    expect(files.input).toBe(
      '{"source":{"initial_version":true,"interval":"1m0s","start":"13:00","stop":"21:00","days":["Monday","Sunday"],"location":"UTC","start_after":"2024-01-02T03:04:05"},"version":{"time":"2020-06-01T12:00:00Z"}}\n',
    );
    expect(files.timestamp).toBe("2020-06-01 12:00:00 +0000 UTC");
    expect(files.epoch).toBe("1591012800");
  });

  it("prints an empty days list as []", async () => {
    const { files } = await get({ source: { days: [] }, version: { time: "2020-06-01T12:00:00Z" } });
    expect(files.input).toContain('"days":[]');
  });

  it("floors epoch for instants before 1970", async () => {
    const { files } = await get({ source: {}, version: { time: "1969-12-31T23:59:59.5Z" } });
    expect(files.epoch).toBe("-1");
    expect(files.timestamp).toBe("1969-12-31 23:59:59.5 +0000 UTC");
  });

  it("creates the destination directory", async () => {
    const dir = join(root, "a", "b");
    const { files } = await get({ source: {}, version: { time: "2020-06-01T12:00:00Z" } }, dir);
    expect(Object.keys(files).sort()).toEqual(["epoch", "input", "timestamp"]);
  });

  it("fails when the version cannot be written back as RFC 3339", async () => {
    try {
      await get({ source: {}, version: { time: "2020-06-01T12:00:00+24:00" } });
      expect.unreachable();
    } catch (e) {
      expect(isJetwayError(e) && e.stderr).toBe(
        "running command: writing input file: json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: timezone hour outside of range [0,23]",
      );
    }
  });
});

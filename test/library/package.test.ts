/** The published package (dist/index.js) exports the native types for in-process use. */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../golden/harness.ts";

const pkg = await import(pathToFileURL(join(repoRoot, "dist/index.js")).href);

describe("package exports", () => {
  it("registers every native type", () => {
    expect(pkg.createDefaultRegistry().list().map((t: { name: string }) => t.name)).toEqual(["git", "mock", "s3", "time"]);
  });

  it("runs an operation in-process with an injected clock", async () => {
    let stdout = "";
    const result = await pkg.runOperation(pkg.timeType, "check", [], {
      stdin: JSON.stringify({ source: { interval: "1h" }, version: { time: "2026-01-01T10:00:00Z" } }),
      env: {},
      clock: pkg.fixedClock(1_767_265_200_000_000_123n), // 2026-01-01T11:00:00.000000123Z
      writeStdout: (t: string) => (stdout += t),
      writeStderr: () => undefined,
    });
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe('[{"time":"2026-01-01T10:00:00Z"},{"time":"2026-01-01T11:00:00.000000123Z"}]\n');
  });

  it("exposes the typed error base class", () => {
    const err = new pkg.JetwayError("INVALID_REQUEST", "bad\nrequest");
    expect(err.message).toBe("bad request");
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.exitCode).toBe(1);
  });
});

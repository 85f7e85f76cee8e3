import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/protocol/context.ts";
import { runOperation } from "../../src/protocol/entry.ts";
import type { Operation } from "../../src/protocol/types.ts";
import timeTypeDefault, { timeType } from "./index.ts";

const NOW = BigInt(Date.parse("2024-06-01T12:00:00Z")) * 1_000_000n;

async function run(op: Operation, stdin: string, args: string[] = []) {
  let stdout = "";
  let stderr = "";
  const result = await runOperation(timeType, op, args, {
    stdin,
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
    env: {},
    clock: fixedClock(NOW),
  });
  return { exitCode: result.exitCode, stdout, stderr };
}

describe("the time type through runOperation", () => {
  it("is exported both ways", () => {
    expect(timeTypeDefault).toBe(timeType);
    expect(timeType.name).toBe("time");
  });

  it("prints one JSON document and nothing on stderr", async () => {
    expect(await run("check", '{"source":{"interval":"1m"}}')).toEqual({
      exitCode: 0,
      stdout: '[{"time":"2024-06-01T12:00:00Z"}]\n',
      stderr: "",
    });
    expect(await run("check", '{"source":{"start":"13:00","stop":"14:00"}}')).toEqual({ exitCode: 0, stdout: "null\n", stderr: "" });
  });

  it("prints one error line and exits 1", async () => {
    expect(await run("check", "")).toEqual({ exitCode: 1, stdout: "", stderr: "parse error: EOF\n" });
    expect(await run("check", '{"source":{"interval":"abc"}}')).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: 'parse error: time: invalid duration "abc"\n',
    });
    expect(await run("check", '{"source":{"days":[null]}}')).toEqual({ exitCode: 1, stdout: "", stderr: "parse error: unknown weekday: \n" });
    expect(await run("check", '{"source":{"stop":"1:00"}}')).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: "running command: must configure 'start' if 'stop' is set\n",
    });
  });

  it("runs in and out against a directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "time-run-"));
    try {
      const got = await run("in", '{"source":{},"version":{"time":"2024-05-01T08:00:00-04:00"}}', [dir]);
      expect(got).toEqual({ exitCode: 0, stdout: '{"version":{"time":"2024-05-01T08:00:00-04:00"},"metadata":null}\n', stderr: "" });
      expect((await readdir(dir)).sort()).toEqual(["epoch", "input", "timestamp"]);
      const bad = await run("in", '{"source":{"location":"Nowhere/Atall"}}', [join(dir, "x")]);
      expect(bad).toEqual({ exitCode: 1, stdout: "", stderr: "parse error: unknown time zone Nowhere/Atall\n" });
      expect(await run("out", '{"source":{"location":"Asia/Tokyo"}}', [dir])).toEqual({
        exitCode: 0,
        stdout: '{"version":{"time":"2024-06-01T21:00:00+09:00"},"metadata":null}\n',
        stderr: "",
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

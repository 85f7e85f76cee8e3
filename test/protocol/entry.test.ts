/** The entry wrapper's promises, exercised through the real types. */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runOperation, type OperationIO } from "../../src/protocol/entry.ts";
import type { Operation, ResourceType } from "../../src/protocol/types.ts";
import { mockType, timeType } from "../../resource-types/index.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "jetway-entry-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(type: ResourceType, op: Operation, request: unknown, args: string[] = [], env: OperationIO["env"] = {}) {
  let stdout = "";
  let stderr = "";
  const result = await runOperation(type, op, args, {
    stdin: typeof request === "string" ? request : JSON.stringify(request),
    env,
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
  });
  return { ...result, stdout, stderr };
}

describe("runOperation", () => {
  it("never echoes the value of a secret-looking key, whatever message quotes it", async () => {
    const secret = "hunter2-not-a-zone";
    const r = await run(timeType, "check", { source: { location: secret, password: secret } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("parse error: unknown time zone [redacted]\n");
    expect(r.stderr).not.toContain(secret);
  });

  it("empties the destination again when in fails after writing", async () => {
    // `version` is written as a file first, so creating a directory of that name fails afterwards
    const r = await run(mockType, "in", { source: { create_files: { "version/x": "y" } }, version: { version: "1" } }, [dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/failed to create directory/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("leaves a destination that already held files alone", async () => {
    await writeFile(join(dir, "keep"), "x");
    const r = await run(mockType, "in", { source: { create_files: { "version/x": "y" } }, version: { version: "1" } }, [dir]);
    expect(r.exitCode).toBe(1);
    expect(await readdir(dir)).toContain("keep");
  });

  it("creates a missing destination for in", async () => {
    const dest = join(dir, "new", "dest");
    const r = await run(timeType, "in", { source: {}, version: { time: "2026-01-02T03:04:05Z" } }, [dest]);
    expect(r.exitCode).toBe(0);
    expect((await readdir(dest)).sort()).toEqual(["epoch", "input", "timestamp"]);
  });

  it("requires a directory argument for in and out", async () => {
    for (const op of ["in", "out"] as const) {
      const r = await run(timeType, op, { source: {} });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(new RegExp(`^usage: ${op} <`));
    }
  });

  it("reports a bug as one line, with the stack only under JETWAY_DEBUG", async () => {
    const broken: ResourceType = {
      ...timeType,
      check: async () => {
        throw new TypeError("cannot read properties of undefined");
      },
    };
    const plain = await run(broken, "check", { source: {} });
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toBe("internal error: cannot read properties of undefined\n");

    const debug = await run(broken, "check", { source: {} }, [], { JETWAY_DEBUG: "1" });
    expect(debug.stderr).toMatch(/^internal error: cannot read properties of undefined\nTypeError: .*\n\s+at /);
  });

  it("stops a check that honours the abort signal", async () => {
    let stderr = "";
    const controller = new AbortController();
    const pending = runOperation(mockType, "check", [], {
      stdin: JSON.stringify({ source: { check_delay: "1h" } }),
      env: {},
      signal: controller.signal,
      writeStdout: () => undefined,
      writeStderr: (t) => (stderr += t),
    });
    controller.abort();
    const result = await pending;
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(stderr).not.toBe("");
  });
});

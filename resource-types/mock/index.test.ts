import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logrusLine } from "../../src/compat/logrus.ts";
import { runOperation } from "../../src/protocol/entry.ts";
import type { Operation } from "../../src/protocol/types.ts";
import { ResourceTypeRegistry } from "../../src/registry.ts";
import defaultExport, { mockType } from "./index.ts";

async function run(op: Operation, stdin: string, args: string[] = []) {
  let stdout = "";
  let stderr = "";
  const result = await runOperation(mockType, op, args, {
    stdin,
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
    env: {},
  });
  return { exitCode: result.exitCode, stdout, stderr };
}

describe("mockType", () => {
  it("is exported by name and as default", () => {
    expect(defaultExport).toBe(mockType);
    expect(mockType.name).toBe("mock");
  });

  it("encodes responses as Go's json.Encoder does, in struct field order", () => {
    expect(mockType.encodeResponse([])).toBe("[]\n");
    expect(mockType.encodeResponse(null)).toBe("null\n");
    expect(mockType.encodeResponse([{ privileged: "true", version: "a" }])).toBe('[{"version":"a","privileged":"true"}]\n');
    expect(mockType.encodeResponse({ version: { version: "a", privileged: "" }, metadata: [{ value: "v", name: "n" }] })).toBe(
      '{"version":{"version":"a"},"metadata":[{"name":"n","value":"v"}]}\n',
    );
  });

  it("registers and publishes JSON Schemas for its configuration", () => {
    const registry = new ResourceTypeRegistry().register(mockType);
    const schema = registry.jsonSchema("mock") as { source: { properties: Record<string, unknown>; additionalProperties: unknown } };
    expect(Object.keys(schema.source.properties)).toContain("create_files");
    expect(schema.source.additionalProperties).toBe(false);
  });

  it("keeps stdout for the JSON response and logs on stderr through the entry wrapper", async () => {
    const r = await run("check", '{"source":{"log":"hello","no_initial_version":true}}');
    expect(r).toEqual({ exitCode: 0, stdout: "[]\n", stderr: logrusLine("info", "hello") });
  });

  it("fails through the entry wrapper with exactly one logrus line and no stdout", async () => {
    expect(await run("check", "")).toEqual({ exitCode: 1, stdout: "", stderr: logrusLine("error", "invalid payload: EOF") });
  });

  it("leaves a failed in's empty directory empty", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jetway-mock-entry-"));
    try {
      const r = await run("in", '{"source":{"create_files":{"/etc/x":"no"}},"version":{"version":"1"}}', [dir]);
      expect(r.exitCode).toBe(1);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The published package (dist/index.js) exports the native types for in-process use. */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../golden/harness.ts";
import { gitCli, makeGeneratedRepo } from "../support/git-servers.ts";
import { createTestBucket, deleteTestBucket, putObject, readRgwEnv, rgwClient, rgwService } from "../support/rgw.ts";
import { describeWithService } from "../support/services.ts";

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

/** The operations load lazily, from chunks beside dist/index.js, with their dependencies: both must be found. */
async function check(type: unknown, source: unknown): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const result = await pkg.runOperation(type, "check", [], {
    stdin: JSON.stringify({ source }),
    env: {},
    writeStdout: (t: string) => (stdout += t),
    writeStderr: (t: string) => (stderr += t),
  });
  return { exitCode: result.exitCode, stdout, stderr };
}

describe("package operations loaded on first use", () => {
  it("git check of a local repository", async () => {
    const repo = makeGeneratedRepo({ commits: 3 });
    const head = gitCli(repo, ["rev-parse", "main"]).trim();
    expect(await check(pkg.gitType, { uri: repo, branch: "main" })).toEqual({ exitCode: 0, stdout: `[\n  {\n    "ref": "${head}"\n  }\n]\n`, stderr: "" });
  });
});

await describeWithService(rgwService, "package s3 operation on the test RGW", () => {
  it("s3 check", async () => {
    const env = await readRgwEnv();
    const client = rgwClient(env);
    const bucket = await createTestBucket(client, "package");
    try {
      await putObject(client, bucket, "app/file-1.0.0.tgz", "one\n");
      const source = { endpoint: env.endpoint, access_key_id: env.accessKeyId, secret_access_key: env.secretAccessKey, bucket, regexp: "app/file-(.*)\\.tgz" };
      expect(await check(pkg.s3Type, source)).toEqual({ exitCode: 0, stdout: '[{"path":"app/file-1.0.0.tgz"}]\n', stderr: "" });
    } finally {
      await deleteTestBucket(client, bucket);
      client.destroy();
    }
  });
});

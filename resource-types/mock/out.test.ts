import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { logrusLine } from "../../src/compat/logrus.ts";
import { createContext, streamLogger } from "../../src/protocol/context.ts";
import { mockType } from "./index.ts";
import { isPrivileged } from "./privileged.ts";

let privileged: boolean;
let dir: string;
beforeAll(async () => {
  privileged = await isPrivileged();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "jetway-mock-out-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runOut(stdin: string, env: Record<string, string> = {}) {
  let stderr = "";
  const ctx = { ...createContext({ env, logger: streamLogger((t) => (stderr += t)) }), dir };
  const response = await mockType.out(mockType.decodeOut(stdin), ctx);
  return { stdout: mockType.encodeResponse(response), stderr };
}

const priv = () => (privileged ? ',"privileged":"true"' : "");
const pushLogs = (version: string) =>
  (privileged ? logrusLine("info", "pushing in a privileged container") : "") + logrusLine("info", `pushing version: ${version}`);

describe("mock out", () => {
  it("creates params.version, with null metadata", async () => {
    expect(await runOut('{"source":{},"params":{"version":"2"}}')).toEqual({
      stdout: `{"version":{"version":"2"${priv()}},"metadata":null}\n`,
      stderr: pushLogs("2"),
    });
  });

  it("returns source.metadata and logs source.log first", async () => {
    const r = await runOut('{"source":{"log":"hi","metadata":[{"name":"k","value":"v"}]},"params":{"version":"2"}}');
    expect(r.stdout).toBe(`{"version":{"version":"2"${priv()}},"metadata":[{"name":"k","value":"v"}]}\n`);
    expect(r.stderr).toBe(logrusLine("info", "hi") + pushLogs("2"));
  });

  it("ignores the request's version", async () => {
    expect((await runOut('{"source":{},"version":{"version":"old"},"params":{"version":"new"}}')).stdout).toBe(
      `{"version":{"version":"new"${priv()}},"metadata":null}\n`,
    );
  });

  it("uses a file's contents verbatim, trailing newline included", async () => {
    await mkdir(join(dir, "folder"));
    await writeFile(join(dir, "folder/version.txt"), "2.0.1\n");
    const r = await runOut('{"source":{},"params":{"file":"folder/version.txt"}}');
    expect(r.stdout).toBe(`{"version":{"version":"2.0.1\\n"${priv()}},"metadata":null}\n`);
    // logrus trims the newline from the message
    expect(r.stderr).toBe(pushLogs("2.0.1"));
  });

  it("takes the file over params.version when both are given", async () => {
    await writeFile(join(dir, "v"), "from-file");
    expect((await runOut('{"params":{"version":"from-params","file":"v"}}')).stdout).toBe(
      `{"version":{"version":"from-file"${priv()}},"metadata":null}\n`,
    );
  });

  it("fails with `no version specified` when there is no version", async () => {
    for (const stdin of ['{"source":{},"params":{}}', '{"source":{}}', '{"params":{"version":""}}']) {
      await expect(runOut(stdin)).rejects.toMatchObject({
        message: "no version specified",
        stderr: logrusLine("error", "no version specified"),
        exitCode: 1,
      });
    }
  });

  it("fails when the file is missing or escapes the directory", async () => {
    const missing = join(dir, "nope");
    await expect(runOut('{"params":{"file":"nope"}}')).rejects.toMatchObject({
      message: `failed to read version file: open ${missing}: no such file or directory`,
    });
    await expect(runOut('{"params":{"file":"../elsewhere"}}')).rejects.toMatchObject({
      code: "PATH_ESCAPE",
      stderr: logrusLine("error", 'file: path "../elsewhere" escapes the destination directory'),
    });
  });

  it("logs every environment variable with print_env, on stderr only", async () => {
    const r = await runOut('{"params":{"version":"2","print_env":true}}', { FOO: "bar", EMPTY: "" });
    expect(r.stdout).toBe(`{"version":{"version":"2"${priv()}},"metadata":null}\n`);
    expect(r.stderr).toBe(pushLogs("2") + logrusLine("info", "env: FOO=bar") + logrusLine("info", "env: EMPTY="));
  });
});

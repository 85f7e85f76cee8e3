import { beforeAll, describe, expect, it } from "vitest";
import { logrusLine } from "../../src/compat/logrus.ts";
import { createContext, streamLogger } from "../../src/protocol/context.ts";
import { mockType } from "./index.ts";
import { isPrivileged } from "./privileged.ts";

let privileged: boolean;
beforeAll(async () => {
  privileged = await isPrivileged();
});

/** `,"privileged":"true"` when this host runs the resource privileged, as upstream would add it. */
const priv = () => (privileged ? ',"privileged":"true"' : "");

async function runCheck(stdin: string, env: Record<string, string> = {}, signal?: AbortSignal) {
  let stderr = "";
  const ctx = createContext({ env, logger: streamLogger((t) => (stderr += t)), ...(signal && { signal }) });
  const response = await mockType.check(mockType.decodeCheck(stdin), ctx);
  return { stdout: mockType.encodeResponse(response), stderr };
}

describe("mock check", () => {
  it("emits the initial version 'mock' when given none", async () => {
    expect(await runCheck('{"source":{}}')).toEqual({ stdout: `[{"version":"mock"${priv()}}]\n`, stderr: "" });
  });

  it("prefers initial_version, then MIRRORED_VERSION, then 'mock'", async () => {
    expect((await runCheck('{"source":{"initial_version":"i"}}', { MIRRORED_VERSION: "m" })).stdout).toBe(`[{"version":"i"${priv()}}]\n`);
    expect((await runCheck('{"source":{}}', { MIRRORED_VERSION: "m" })).stdout).toBe(`[{"version":"m"${priv()}}]\n`);
  });

  it("echoes the given version, privileged included, in struct order", async () => {
    expect((await runCheck('{"source":{"initial_version":"i"},"version":{"privileged":"true","version":"7"}}')).stdout).toBe(
      '[{"version":"7","privileged":"true"}]\n',
    );
    expect((await runCheck('{"source":{},"version":{"version":"<&>"}}')).stdout).toBe(`[{"version":"\\u003c\\u0026\\u003e"${priv()}}]\n`);
  });

  it("emits force_version whatever version it is given", async () => {
    expect((await runCheck('{"source":{"force_version":"f"},"version":{"version":"7"}}')).stdout).toBe(`[{"version":"f"${priv()}}]\n`);
  });

  it("emits [] with no_initial_version and no version", async () => {
    expect((await runCheck('{"source":{"no_initial_version":true}}')).stdout).toBe("[]\n");
    expect((await runCheck('{"source":{"no_initial_version":true},"version":{"version":"1"}}')).stdout).toBe(`[{"version":"1"${priv()}}]\n`);
  });

  it("logs source.log first, at info level", async () => {
    expect((await runCheck('{"source":{"log":"hello"}}')).stderr).toBe(logrusLine("info", "hello"));
  });

  it("fails on purpose with check_failure", async () => {
    const message = "intentionally failing to check: broken on purpose";
    await expect(runCheck('{"source":{"check_failure":"broken on purpose"}}')).rejects.toMatchObject({
      message,
      stderr: logrusLine("error", message),
      exitCode: 1,
    });
  });

  it("waits check_delay before answering", async () => {
    const started = performance.now();
    expect((await runCheck('{"source":{"check_delay":"30ms"}}')).stdout).toBe(`[{"version":"mock"${priv()}}]\n`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("stops waiting when aborted", async () => {
    const controller = new AbortController();
    const pending = runCheck('{"source":{"check_delay":"1h"}}', {}, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("fails on a malformed check_delay with Go's duration error", async () => {
    const message = 'malformed check_delay duration (soon): time: invalid duration "soon"';
    await expect(runCheck('{"source":{"check_delay":"soon"}}')).rejects.toMatchObject({ message, stderr: logrusLine("error", message) });
    const unit = 'malformed check_delay duration (5y): time: unknown unit "y" in duration "5y"';
    await expect(runCheck('{"source":{"check_delay":"5y"}}')).rejects.toMatchObject({ stderr: logrusLine("error", unit) });
  });

  it("checks check_delay before check_failure", async () => {
    await expect(runCheck('{"source":{"check_delay":"x","check_failure":"y"}}')).rejects.toMatchObject({
      message: 'malformed check_delay duration (x): time: invalid duration "x"',
    });
  });
});

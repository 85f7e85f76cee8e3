/** What the driver tests do with containers: wait for the end, collect logs, expect a clear failure. */
import { setTimeout as delay } from "node:timers/promises";
import { expect } from "vitest";
import { isJetwayError } from "../../src/protocol/errors.ts";
import type { Container, ContainerStatus, Driver, Task } from "../../src/orchestra/index.ts";

export async function waitDone(container: Container, timeoutMs = 20_000): Promise<ContainerStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await container.status();
    if (status.isDone) return status;
    if (Date.now() > until) throw new Error(`container ${container.id} still running after ${timeoutMs} ms`);
    await delay(25);
  }
}

export interface CollectedLogs {
  stdout: Buffer;
  stderr: Buffer;
  /** per stdout chunk: when it arrived (performance.now()) and its text */
  stdoutChunks: Array<{ at: number; text: string }>;
}

export async function collectLogs(container: Container, follow = false): Promise<CollectedLogs> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdoutChunks: CollectedLogs["stdoutChunks"] = [];
  await container.logs(
    (chunk) => {
      // sinks may be handed a buffer the driver reuses: copy
      const copy = Buffer.from(chunk);
      out.push(copy);
      stdoutChunks.push({ at: performance.now(), text: copy.toString("utf8") });
    },
    (chunk) => err.push(Buffer.from(chunk)),
    { follow },
  );
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), stdoutChunks };
}

/** Runs a task to its end and returns its status and logs. */
export async function runToEnd(driver: Driver, task: Task): Promise<{ container: Container; status: ContainerStatus; logs: CollectedLogs }> {
  const container = await driver.runContainer(task);
  const status = await waitDone(container);
  return { container, status, logs: await collectLogs(container) };
}

/**
 * A task that cannot run fails with DRIVER_FAILED naming `mention`: from
 * runContainer, or at the latest from status() while it is polled (drivers whose
 * backend starts asynchronously), never a hang and never a plain exit.
 */
export async function expectDriverFailure(driver: Driver, task: Task, mention: string, timeoutMs = 20_000): Promise<void> {
  const error = await (async () => {
    try {
      const container = await driver.runContainer(task);
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const status = await container.status();
        if (status.isDone) return new Error(`task ${task.id} ran and ended with ${status.exitCode} instead of failing clearly`);
        await delay(50);
      }
      return new Error(`task ${task.id} neither failed nor ended within ${timeoutMs} ms`);
    } catch (e) {
      return e;
    }
  })();
  expect(isJetwayError(error), String(error)).toBe(true);
  if (!isJetwayError(error)) return;
  expect(error.code).toBe("DRIVER_FAILED");
  expect(error.message).toContain(mention);
  expect(error.message).not.toContain("\n");
}

export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

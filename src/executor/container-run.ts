/**
 * One resource container from start to exit: stdout kept whole (it is the
 * response), stderr passed on as it arrives, the container removed afterwards.
 * An abort of the signal (the build aborted, or the step's timeout ran out)
 * removes the container at once, which kills what runs in it.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Driver, Task } from "../orchestra/types.ts";
import { JetwayError } from "../protocol/errors.ts";
import type { RawOutput } from "./delivery/types.ts";

/** How often the status is asked again when the logs ended before the driver knew the exit code. */
const STATUS_POLL_MS = 20;

export async function runTaskToExit(driver: Driver, task: Task, signal: AbortSignal | undefined, stderr: (text: string) => void): Promise<RawOutput> {
  if (signal?.aborted) throw interrupted();
  const container = await driver.runContainer(task);
  // the removal an abort starts is awaited at the end: a second one would only learn it is in progress
  let removal: Promise<void> | undefined;
  const remove = (): Promise<void> => (removal ??= container.cleanup().catch(() => undefined));
  const stop = (): void => {
    void remove();
  };
  signal?.addEventListener("abort", stop, { once: true });
  try {
    if (signal?.aborted) throw interrupted();
    const stdout: Uint8Array[] = [];
    const decoder = new TextDecoder("utf-8");
    try {
      await container.logs(
        (chunk) => stdout.push(chunk),
        (chunk) => {
          const text = decoder.decode(chunk, { stream: true });
          if (text !== "") stderr(text);
        },
        { follow: true },
      );
    } finally {
      const rest = decoder.decode();
      if (rest !== "") stderr(rest);
    }
    for (;;) {
      if (signal?.aborted) throw interrupted();
      const status = await container.status();
      if (status.isDone) {
        if (status.exitCode === undefined) throw new JetwayError("DRIVER_FAILED", `${driver.name} driver: container ${task.id} ended without an exit code`);
        return { exitCode: status.exitCode, stdout: Buffer.concat(stdout).toString("utf8") };
      }
      await delay(STATUS_POLL_MS);
    }
  } catch (e) {
    if (signal?.aborted) throw interrupted();
    throw e;
  } finally {
    signal?.removeEventListener("abort", stop);
    await remove();
  }
}

function interrupted(): JetwayError {
  return new JetwayError("ABORTED", "interrupted; the container was removed");
}

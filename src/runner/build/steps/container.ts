/** One task container from start to exit code, its output streamed into the step's log. */
import { setTimeout as delay } from "node:timers/promises";
import type { Driver, LogSink, Task } from "../../../orchestra/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import type { BuildRecorder, StepRef } from "../types.ts";

/** How often the status is asked again when the logs ended before the driver knew the exit code. */
const STATUS_POLL_MS = 20;

/**
 * Resolves with the exit code. An abort of `signal` stops the container at
 * once (cleanup kills it) and rejects; the container is removed either way.
 */
export async function runToExit(driver: Driver, task: Task, ref: StepRef, recorder: BuildRecorder, signal: AbortSignal): Promise<number> {
  const container = await driver.runContainer(task);
  const stop = (): void => {
    container.cleanup().catch(() => undefined);
  };
  signal.addEventListener("abort", stop, { once: true });
  try {
    if (signal.aborted) throw interruptedError();
    const stdout = textSink(ref, "stdout", recorder);
    const stderr = textSink(ref, "stderr", recorder);
    try {
      await container.logs(stdout.sink, stderr.sink, { follow: true });
    } finally {
      stdout.end();
      stderr.end();
    }
    for (;;) {
      if (signal.aborted) throw interruptedError();
      const status = await container.status();
      if (status.isDone) {
        if (status.exitCode === undefined) throw new JetwayError("DRIVER_FAILED", `${driver.name} driver: container ${task.id} ended without an exit code`);
        return status.exitCode;
      }
      await delay(STATUS_POLL_MS);
    }
  } catch (e) {
    if (signal.aborted) throw interruptedError();
    throw e;
  } finally {
    signal.removeEventListener("abort", stop);
    await container.cleanup().catch(() => undefined);
  }
}

function interruptedError(): JetwayError {
  return new JetwayError("ABORTED", "interrupted");
}

/** Bytes to text without splitting a UTF-8 character across two log calls. */
function textSink(ref: StepRef, stream: "stdout" | "stderr", recorder: BuildRecorder): { sink: LogSink; end(): void } {
  const decoder = new TextDecoder("utf-8");
  return {
    sink: (chunk) => {
      const text = decoder.decode(chunk, { stream: true });
      if (text !== "") recorder.log(ref, stream, text);
    },
    end: () => {
      const rest = decoder.decode();
      if (rest !== "") recorder.log(ref, stream, rest);
    },
  };
}

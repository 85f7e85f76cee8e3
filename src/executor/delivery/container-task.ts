/**
 * The parts every container-based path shares: where the volume goes, and the
 * task around a command. Concourse runs `in` with its destination at
 * /tmp/build/get and `out` with its inputs at /tmp/build/put, working there.
 */
import { posix } from "node:path";
import type { Task, TaskMount } from "../../orchestra/types.ts";
import type { Operation } from "../../protocol/types.ts";
import type { OperationRun } from "./types.ts";

export const BUILD_DIR = "/tmp/build";

/** `get` for in, `put` for out, nothing for check: the volume's folder under BUILD_DIR. */
export function volumeFolder(op: Operation): string | undefined {
  return op === "in" ? "get" : op === "out" ? "put" : undefined;
}

/** Concourse's working dir for the operation: the volume's folder, /tmp/build/check for a check. */
export function operationDir(op: Operation): string {
  return posix.join(BUILD_DIR, volumeFolder(op) ?? "check");
}

/** The absolute folder the volume is mounted at, as Concourse passes it to in and out. */
export function volumeDir(op: Operation): string | undefined {
  const folder = volumeFolder(op);
  return folder === undefined ? undefined : posix.join(BUILD_DIR, folder);
}

/**
 * A task running `command` with the request on stdin and the run's env; the
 * volume mounted at `volumePath` (absolute, or relative to the working dir)
 * when the operation has one; the working dir is operationDir's unless `extra`
 * says otherwise.
 */
export function operationTask(
  run: OperationRun,
  image: string,
  command: string[],
  volumePath: string | undefined,
  extra: Partial<Task> = {},
): Task {
  const mounts: TaskMount[] = [...(extra.mounts ?? [])];
  if (run.volume !== undefined && volumePath !== undefined) mounts.push({ volume: run.volume.name, path: volumePath });
  return {
    workingDir: operationDir(run.op),
    ...extra,
    id: run.taskId,
    image,
    command,
    env: run.env,
    stdin: run.stdin,
    mounts,
  };
}

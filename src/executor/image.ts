/**
 * The container fallback: the type's image runs /opt/resource/check, or
 * /opt/resource/in|out with the volume's folder, as Concourse runs resource
 * containers (the request on stdin, no shell, the image's own entrypoint
 * replaced).
 */
import type { Driver } from "../orchestra/types.ts";
import { runTaskToExit } from "./container-run.ts";
import { operationTask, volumeDir } from "./delivery/container-task.ts";
import type { OperationRun, RawOutput } from "./delivery/types.ts";
import type { ResolvedImage } from "./resource-types.ts";

export function runImage(driver: Driver, image: ResolvedImage, run: OperationRun): Promise<RawOutput> {
  const dir = volumeDir(run.op);
  const command = [`/opt/resource/${run.op}`, ...(dir !== undefined ? [dir] : [])];
  const task = operationTask(run, image.ref, command, dir, image.privileged ? { privileged: true } : {});
  return runTaskToExit(driver, task, run.signal, run.stderr);
}

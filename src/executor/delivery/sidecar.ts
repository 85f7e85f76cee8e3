/**
 * sidecar (drivers that run pods: k8s): the operation runs in a jetway
 * container of the step's pod, sharing the pod's volume: `jetwayImage` (node
 * >= 22 and jetway's CLI, dist/cli/ whole, with its entry at `jetwayCli`; the
 * default is jetway/jetway from images/jetway/) runs `jetway resource <type>
 * <op>`. A resource step's pod has no other workload, so the jetway container
 * is its only one; against the type's own image the gain is one image for
 * every native type, pulled once per node.
 *
 * Paths are relative to the working dir (BUILD_DIR): the same in a pod and in
 * the API fake the tests use, whose kubelet roots each container in a folder.
 */
import { runTaskToExit } from "../container-run.ts";
import { BUILD_DIR, operationTask, volumeFolder } from "./container-task.ts";
import type { DeliverySettings, DeliveryStrategy } from "./types.ts";

export function sidecarStrategy(settings: DeliverySettings): DeliveryStrategy {
  return {
    name: "sidecar",
    supports: (driver) => (driver.features?.pods ? true : `the ${driver.name} driver does not run pods`),
    how: (driver) => `jetway container ${settings.jetwayImage} in the step's pod on ${driver.name}`,
    run(driver, run) {
      const folder = volumeFolder(run.op);
      const command = [settings.node, settings.jetwayCli, "resource", run.type, run.op, ...(folder !== undefined ? [folder] : [])];
      const task = operationTask(run, settings.jetwayImage, command, folder, { workingDir: BUILD_DIR });
      return runTaskToExit(driver, task, run.signal, run.stderr);
    },
  };
}

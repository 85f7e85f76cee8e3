/**
 * init (drivers that run pods: k8s): an init container of `jetwayImage` copies
 * jetway's CLI bundle into an emptyDir the pod shares, and the step's container
 * (`nodeImage`, which needs nothing but a node >= 22) runs it from there with
 * the volume mounted. Two containers where sidecar has one, but the step runs
 * in an image of the operator's choosing.
 *
 * Paths are relative to the working dir (BUILD_DIR), as for sidecar.
 */
import { runTaskToExit } from "../container-run.ts";
import { BUILD_DIR, operationTask, volumeFolder } from "./container-task.ts";
import type { DeliverySettings, DeliveryStrategy } from "./types.ts";

/** The shared emptyDir's folder, and the bundle's name there (.mjs: no package.json says it is ESM). */
const SHARED = ".jetway";
const CLI_COPY = `${SHARED}/jetway.mjs`;
/** node -e: argv[1] and argv[2] are the arguments after the script */
const COPY_SCRIPT = 'require("node:fs").copyFileSync(process.argv[1], process.argv[2])';

export function initStrategy(settings: DeliverySettings): DeliveryStrategy {
  return {
    name: "init",
    supports: (driver) => (driver.features?.pods ? true : `the ${driver.name} driver does not run pods`),
    how: (driver) => `copied by an init container of ${settings.jetwayImage} into ${settings.nodeImage} on ${driver.name}`,
    run(driver, run) {
      const folder = volumeFolder(run.op);
      const scratch = `${run.taskId}/jetway`;
      const command = [settings.node, CLI_COPY, "resource", run.type, run.op, ...(folder !== undefined ? [folder] : [])];
      const task = operationTask(run, settings.nodeImage, command, folder, {
        workingDir: BUILD_DIR,
        scratchVolumes: [scratch],
        mounts: [{ volume: scratch, path: SHARED, readOnly: true }],
        initContainers: [
          {
            name: "jetway-install",
            image: settings.jetwayImage,
            command: [settings.node, "-e", COPY_SCRIPT, settings.jetwayCli, CLI_COPY],
            mounts: [{ volume: scratch, path: SHARED }],
          },
        ],
      });
      return runTaskToExit(driver, task, run.signal, run.stderr);
    },
  };
}

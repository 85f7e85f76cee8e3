/**
 * init (drivers that run pods: k8s): an init container of `jetwayImage` copies
 * jetway's CLI into an emptyDir the pod shares, and the step's container
 * (`nodeImage`, which needs nothing but a node >= 22) runs it from there with
 * the volume mounted. Two containers where sidecar has one, but the step runs
 * in an image of the operator's choosing.
 *
 * What is copied is the folder holding `jetwayCli`, whole: the build splits the
 * CLI into an entry and chunks it imports, and a package.json there makes the
 * .js files ESM; the entry alone would not run.
 *
 * Paths are relative to the working dir (BUILD_DIR), as for sidecar.
 */
import { posix } from "node:path";
import { runTaskToExit } from "../container-run.ts";
import { BUILD_DIR, operationTask, volumeFolder } from "./container-task.ts";
import type { DeliverySettings, DeliveryStrategy } from "./types.ts";

/** The shared emptyDir's folder under the working dir. */
const SHARED = ".jetway";
/**
 * node -e: argv[1] is the CLI's entry, argv[2] the destination. A missing entry
 * fails the init container (an empty folder copied would only fail later, in the
 * step, with a less direct message). `dereference`: where the destination is a
 * symbolic link to the volume's folder (the API fake's kubelet mounts that way),
 * copy into the folder rather than refuse to replace the link.
 */
const COPY_SCRIPT =
  'const fs = require("node:fs"); const [cli, to] = process.argv.slice(1); fs.accessSync(cli); ' +
  'fs.cpSync(require("node:path").dirname(cli), to, { recursive: true, dereference: true })';

export function initStrategy(settings: DeliverySettings): DeliveryStrategy {
  return {
    name: "init",
    supports: (driver) => (driver.features?.pods ? true : `the ${driver.name} driver does not run pods`),
    how: (driver) => `copied by an init container of ${settings.jetwayImage} into ${settings.nodeImage} on ${driver.name}`,
    run(driver, run) {
      const folder = volumeFolder(run.op);
      const scratch = `${run.taskId}/jetway`;
      const cliCopy = posix.join(SHARED, posix.basename(settings.jetwayCli));
      const command = [settings.node, cliCopy, "resource", run.type, run.op, ...(folder !== undefined ? [folder] : [])];
      const task = operationTask(run, settings.nodeImage, command, folder, {
        workingDir: BUILD_DIR,
        scratchVolumes: [scratch],
        mounts: [{ volume: scratch, path: SHARED, readOnly: true }],
        initContainers: [
          {
            name: "jetway-install",
            image: settings.jetwayImage,
            command: [settings.node, "-e", COPY_SCRIPT, settings.jetwayCli, SHARED],
            mounts: [{ volume: scratch, path: SHARED }],
          },
        ],
      });
      return runTaskToExit(driver, task, run.signal, run.stderr);
    },
  };
}

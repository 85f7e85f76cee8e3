/**
 * mounted: the type's self-contained bundle (dist/resource-types/<type>/ from
 * `npm run build`: index.cjs plus the check/in/out entry points) is bind-mounted
 * read-only into a container of `nodeImage`, which runs the entry point with
 * node. The image must provide only a node >= 22 (on its PATH, or at the path
 * given as `node`); jetway/node-base:24 is one. The driver must be able to
 * bind-mount this host's folders (docker on a local engine).
 */
import { existsSync } from "node:fs";
import { join, posix } from "node:path";
import { runTaskToExit } from "../container-run.ts";
import { operationTask, volumeDir } from "./container-task.ts";
import type { DeliverySettings, DeliveryStrategy } from "./types.ts";

/** Where the bundle appears in the container. */
const BUNDLE_MOUNT = "/opt/jetway/resource";

export function mountedStrategy(settings: DeliverySettings): DeliveryStrategy {
  const bundle = (type: string) => join(settings.bundlesDir, type);
  return {
    name: "mounted",
    supports(driver, run) {
      if (!driver.features?.hostBinds) return `the ${driver.name} driver cannot bind-mount host folders`;
      if (!existsSync(join(bundle(run.type), run.op))) return `there is no bundle at ${bundle(run.type)} (npm run build makes it)`;
      return true;
    },
    how: (driver) => `bundle mounted into ${settings.nodeImage} on ${driver.name}`,
    run(driver, run) {
      const dir = volumeDir(run.op);
      const command = [settings.node, posix.join(BUNDLE_MOUNT, run.op), ...(dir !== undefined ? [dir] : [])];
      const task = operationTask(run, settings.nodeImage, command, dir, { binds: [{ hostPath: bundle(run.type), path: BUNDLE_MOUNT }] });
      return runTaskToExit(driver, task, run.signal, run.stderr);
    },
  };
}

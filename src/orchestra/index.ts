/**
 * Orchestra: runs tasks (and container-based resources) through a driver chosen
 * by a spec such as `native`, `docker` or `k8s://namespace?kubeconfig=...`.
 */
import { builtinDrivers, createDefaultDriverRegistry } from "./drivers.ts";
import type { CreateDriverOptions } from "./registry.ts";
import type { Driver } from "./types.ts";

export type * from "./types.ts";
export { DriverRegistry, type CreateDriverOptions } from "./registry.ts";
export { parseDriverSpec, type DriverSpec } from "./spec.ts";
export { DEFAULT_WORKING_DIR, mountPath, validateTask, workingDir } from "./task.ts";
export { NAMESPACE_LABEL, TASK_LABEL, VOLUME_LABEL, safeName, validateNamespace } from "./names.ts";
export { builtinDrivers, createDefaultDriverRegistry };

let defaultRegistry: ReturnType<typeof createDefaultDriverRegistry> | undefined;

/** A driver from a spec, looked up among the built-in drivers. */
export function createDriver(spec: string, options: CreateDriverOptions): Promise<Driver> {
  defaultRegistry ??= createDefaultDriverRegistry();
  return defaultRegistry.create(spec, options);
}

import { dockerDriver } from "./docker/index.ts";
import { k8sDriver } from "./k8s/index.ts";
import { nativeDriver } from "./native/index.ts";
import { DriverRegistry } from "./registry.ts";
import type { DriverFactory } from "./types.ts";

/** Every built-in driver. A new driver is a folder here plus one line in this list. */
export const builtinDrivers: readonly DriverFactory[] = [nativeDriver, dockerDriver, k8sDriver];

export function createDefaultDriverRegistry(): DriverRegistry {
  const registry = new DriverRegistry();
  for (const factory of builtinDrivers) registry.register(factory);
  return registry;
}

/** The delivery strategies, cheapest first: `auto` takes the first one the driver supports. */
import type { ResourceTypeRegistry } from "../../registry.ts";
import { inProcessStrategy } from "./in-process.ts";
import { initStrategy } from "./init.ts";
import { mountedStrategy } from "./mounted.ts";
import { sidecarStrategy } from "./sidecar.ts";
import type { DeliveryName, DeliverySettings, DeliveryStrategy } from "./types.ts";

export { DELIVERY_NAMES, type DeliveryName, type DeliverySettings, type DeliveryStrategy, type OperationRun, type RawOutput } from "./types.ts";
export { inProcessStrategy, initStrategy, mountedStrategy, sidecarStrategy };

export function deliveryStrategies(registry: ResourceTypeRegistry, settings: DeliverySettings): ReadonlyMap<DeliveryName, DeliveryStrategy> {
  const all = [inProcessStrategy(registry), mountedStrategy(settings), sidecarStrategy(settings), initStrategy(settings)];
  return new Map(all.map((s) => [s.name, s]));
}

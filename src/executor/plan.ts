/**
 * The decision for one operation: native (and by which delivery) or the
 * type's image, with the reason in words for the run log. The resource's own
 * `native:` key wins over the global preference; an explicit --delivery that
 * cannot reach the driver is an error rather than a quiet change of path.
 */
import type { Driver } from "../orchestra/types.ts";
import { resourceExecution } from "../pipeline/native.ts";
import { JetwayError } from "../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { DELIVERY_NAMES, type DeliveryName, type DeliveryStrategy } from "./delivery/types.ts";
import type { DeliveryChoice } from "./options.ts";
import type { ResourceOperation } from "./types.ts";

export type Plan = { kind: "native"; strategy: DeliveryStrategy; why: string } | { kind: "image"; why: string };

export interface PlanConfig {
  registry: ResourceTypeRegistry;
  preferNative: boolean;
  delivery: DeliveryChoice;
  strategies: ReadonlyMap<DeliveryName, DeliveryStrategy>;
}

export function planOperation(operation: ResourceOperation, driver: Driver, config: PlanConfig): Plan {
  const { type, resourceName } = operation;
  const explicit = operation.native;
  const declared = new Set((operation.resourceTypes ?? []).map((t) => t.name));
  const execution = resourceExecution({ type, native: explicit ?? (config.preferNative ? undefined : false) }, declared, config.registry);
  switch (execution.kind) {
    case "invalid":
      throw new JetwayError("INVALID_CONFIG", `${resourceName}: ${execution.message}`);
    case "fallback": {
      const why =
        execution.reason === "native-false"
          ? explicit === false
            ? "native: false"
            : "--no-native-resources"
          : execution.reason === "overridden"
            ? `resource_types redefines ${type} (native: true would prefer jetway's)`
            : `${type} is not a native type`;
      return { kind: "image", why };
    }
    case "native":
      return chooseDelivery(operation, driver, config, explicit === "required" || explicit === true ? `native: ${String(explicit)}` : `${type} is native`);
  }
}

function chooseDelivery(operation: ResourceOperation, driver: Driver, config: PlanConfig, nativeWhy: string): Plan {
  const run = { type: operation.type, op: operation.op, ...(operation.volume !== undefined && { volume: operation.volume }) };
  const strategy = (name: DeliveryName) => config.strategies.get(name)!;
  if (config.delivery !== "auto") {
    const chosen = strategy(config.delivery);
    const supported = chosen.supports(driver, run);
    if (supported !== true) {
      throw new JetwayError("INVALID_CONFIG", `${operation.resourceName}: --delivery ${config.delivery} cannot run its ${operation.op}: ${supported}`);
    }
    return { kind: "native", strategy: chosen, why: `${nativeWhy}; --delivery ${config.delivery}` };
  }
  const passed: string[] = [];
  for (const name of DELIVERY_NAMES) {
    const supported = strategy(name).supports(driver, run);
    if (supported === true) {
      const skipped = passed.length > 0 ? ` (${passed.join("; ")})` : "";
      return { kind: "native", strategy: strategy(name), why: `${nativeWhy}; ${name} is the cheapest delivery here${skipped}` };
    }
    passed.push(`${name}: ${supported}`);
  }
  if (operation.native === "required") {
    throw new JetwayError("INVALID_CONFIG", `${operation.resourceName}: native: required, but no delivery reaches the ${driver.name} driver (${passed.join("; ")})`);
  }
  return { kind: "image", why: `${nativeWhy}, but no delivery reaches the ${driver.name} driver (${passed.join("; ")})` };
}

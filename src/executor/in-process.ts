/**
 * Runs native types as function calls through the same runOperation every other
 * delivery path uses, so an in-process get writes exactly the files the image would.
 * Needs the volume as a host directory; knows no fallback (NativeFirstExecutor does).
 */
import type { Driver } from "../orchestra/types.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { inProcessStrategy } from "./delivery/in-process.ts";
import { JetwayError } from "../protocol/errors.ts";
import { prepareRun } from "./operation-run.ts";
import type { ResourceExecutor, ResourceOperation, ResourceResult } from "./types.ts";

export class InProcessExecutor implements ResourceExecutor {
  readonly #registry: ResourceTypeRegistry;

  constructor(registry: ResourceTypeRegistry) {
    this.#registry = registry;
  }

  async run(operation: ResourceOperation, driver: Driver): Promise<ResourceResult> {
    this.#registry.get(operation.type);
    const strategy = inProcessStrategy(this.#registry);
    const supported = strategy.supports(driver, operation);
    if (supported !== true) throw new JetwayError("DRIVER_FAILED", `${operation.resourceName}: cannot ${operation.op} in-process: ${supported}`);
    const prepared = prepareRun(operation, "");
    const raw = await strategy.run(driver, prepared.run);
    const how = "native, in-process";
    return { response: prepared.response(raw, how), how, why: `${operation.type} is a native type` };
  }
}

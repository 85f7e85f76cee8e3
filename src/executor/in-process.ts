/**
 * Runs native types as function calls through the same runOperation every other
 * delivery path uses, so an in-process get writes exactly the files the image would.
 * Needs the volume as a host directory; knows no fallback (NativeFirstExecutor does).
 */
import type { Driver } from "../orchestra/types.ts";
import { collectSecrets } from "../protocol/secrets.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { inProcessStrategy } from "./delivery/in-process.ts";
import { JetwayError } from "../protocol/errors.ts";
import { LastLine, interpret } from "./response.ts";
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
    const lastLine = new LastLine();
    const raw = await strategy.run(driver, {
      type: operation.type,
      op: operation.op,
      stdin: JSON.stringify(operation.request),
      env: operation.env,
      stderr: (text) => {
        lastLine.push(text);
        operation.stderr(text);
      },
      taskId: "",
      ...(operation.volume !== undefined && { volume: operation.volume }),
      ...(operation.signal !== undefined && { signal: operation.signal }),
    });
    const how = "native, in-process";
    const response = interpret(raw, { resourceName: operation.resourceName, op: operation.op, how, lastStderrLine: lastLine.line, secrets: collectSecrets(operation.request) });
    return { response, how, why: `${operation.type} is a native type` };
  }
}

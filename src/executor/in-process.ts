import { JetwayError } from "../protocol/errors.ts";
import { runOperation } from "../protocol/entry.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import type { Driver } from "../orchestra/types.ts";
import type { ResourceExecutor, ResourceOperation, ResourceResult } from "./types.ts";

/**
 * Runs native types as function calls through the same runOperation every other
 * delivery path uses, so an in-process get writes exactly the files the image would.
 * Needs the volume as a host directory.
 */
export class InProcessExecutor implements ResourceExecutor {
  readonly #registry: ResourceTypeRegistry;

  constructor(registry: ResourceTypeRegistry) {
    this.#registry = registry;
  }

  async run(operation: ResourceOperation, _driver: Driver): Promise<ResourceResult> {
    const type = this.#registry.get(operation.type);
    const args: string[] = [];
    if (operation.op !== "check") {
      const dir = operation.volume?.hostPath;
      if (dir === undefined) {
        throw new JetwayError("DRIVER_FAILED", `${operation.resourceName}: volume ${operation.volume?.name ?? "(none)"} has no host path for in-process ${operation.op}`);
      }
      args.push(dir);
    }
    let lastLine = "";
    const result = await runOperation(type, operation.op, args, {
      stdin: JSON.stringify(operation.request),
      writeStdout: () => undefined,
      writeStderr: (text) => {
        const trimmed = text.trimEnd();
        if (trimmed !== "") lastLine = trimmed.split("\n").pop() ?? lastLine;
        operation.stderr(text);
      },
      env: operation.env,
      ...(operation.signal && { signal: operation.signal }),
    });
    if (result.exitCode !== 0) {
      throw new JetwayError("BUILD_FAILED", `${operation.resourceName}: ${operation.op} failed (exit ${result.exitCode})${lastLine ? `: ${lastLine}` : ""}`);
    }
    return { response: JSON.parse(result.stdout), how: "native in-process", why: `${operation.type} is a native type` };
  }
}

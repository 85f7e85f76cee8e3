/**
 * How each get and put ran (native in-process, an image through a driver...)
 * and why, from the executor, into the step's log: a user reading a build can
 * tell whether the native type or the upstream image did the work.
 */
import type { Driver } from "../orchestra/types.ts";
import type { ResourceExecutor, ResourceOperation, ResourceResult } from "../executor/types.ts";

export class ReportingExecutor implements ResourceExecutor {
  readonly #inner: ResourceExecutor;

  constructor(inner: ResourceExecutor) {
    this.#inner = inner;
  }

  async run(operation: ResourceOperation, driver: Driver): Promise<ResourceResult> {
    const result = await this.#inner.run(operation, driver);
    // a check's how and why are in its check line; its stderr is no step's log
    if (operation.op !== "check") operation.stderr(`jetway: ${operation.op === "in" ? "get" : "put"} of ${operation.resourceName} ran ${result.how} (${result.why})\n`);
    return result;
  }
}

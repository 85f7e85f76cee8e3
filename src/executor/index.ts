/** The resource executor: how each resource operation of a build runs. */
export type { ResourceExecutor, ResourceOperation, ResourceResult } from "./types.ts";
export { InProcessExecutor } from "./in-process.ts";

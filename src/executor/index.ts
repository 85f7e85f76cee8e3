/**
 * The resource executor: how each resource operation of a build runs — a
 * native type in-process or delivered into a container (mounted, sidecar,
 * init), or the type's image as the fallback — and why.
 */
import type { ExecutorOptions } from "./options.ts";
import { NativeFirstExecutor } from "./executor.ts";
import type { ResourceExecutor } from "./types.ts";

export type { ResourceExecutor, ResourceOperation, ResourceResult } from "./types.ts";
export { InProcessExecutor } from "./in-process.ts";
export { NativeFirstExecutor } from "./executor.ts";
export {
  DELIVERY_CHOICES,
  DEFAULT_JETWAY_CLI,
  DEFAULT_JETWAY_IMAGE,
  DEFAULT_NODE_IMAGE,
  defaultNativeImage,
  type DeliveryChoice,
  type ExecutorOptions,
} from "./options.ts";
export { EXECUTOR_FLAGS_HELP, takeExecutorFlags, type ExecutorFlags } from "./flags.ts";
export {
  DELIVERY_NAMES,
  deliveryStrategies,
  type DeliveryName,
  type DeliverySettings,
  type DeliveryStrategy,
  type OperationRun,
  type RawOutput,
} from "./delivery/index.ts";
export { resolveImage, type ResolvedImage } from "./resource-types.ts";

/** The executor `jetway run` uses: native-first, the image as the fallback. */
export function createExecutor(options: ExecutorOptions): ResourceExecutor {
  return new NativeFirstExecutor(options);
}

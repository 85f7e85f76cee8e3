/** How an executor is configured, and the defaults of everything a strategy delivers. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ResourceTypeRegistry } from "../registry.ts";
import { DELIVERY_NAMES, type DeliveryName, type DeliverySettings } from "./delivery/types.ts";

export const DELIVERY_CHOICES = ["auto", ...DELIVERY_NAMES] as const;
/** `auto`: the cheapest strategy the driver supports; a name: that one or an error. */
export type DeliveryChoice = (typeof DELIVERY_CHOICES)[number];

export interface ExecutorOptions extends Partial<DeliverySettings> {
  registry: ResourceTypeRegistry;
  /**
   * true (the default, --prefer-native-resources): a resource without a `native:`
   * key runs natively when jetway implements its type and the pipeline does not
   * redefine it. false (--no-native-resources): such resources run their image.
   * A resource's own `native:` key wins either way.
   */
  preferNative?: boolean;
  /** default auto */
  delivery?: DeliveryChoice;
  /** the image a native type runs as when it is not run natively; default jetway/<type>-resource:latest */
  nativeImage?: (type: string) => string;
}

export const DEFAULT_NODE_IMAGE = "jetway/node-base:24";
export const DEFAULT_JETWAY_IMAGE = "jetway/jetway:latest";
/** Where images/jetway/Dockerfile puts dist/cli/: the entry, its chunks and a package.json saying ESM beside it. */
export const DEFAULT_JETWAY_CLI = "/usr/local/lib/jetway/jetway.js";

export function defaultNativeImage(type: string): string {
  return `jetway/${type}-resource:latest`;
}

export function deliverySettings(options: Partial<DeliverySettings>): DeliverySettings {
  return {
    bundlesDir: options.bundlesDir ?? defaultBundlesDir(),
    nodeImage: options.nodeImage ?? DEFAULT_NODE_IMAGE,
    node: options.node ?? "node",
    jetwayImage: options.jetwayImage ?? DEFAULT_JETWAY_IMAGE,
    jetwayCli: options.jetwayCli ?? DEFAULT_JETWAY_CLI,
  };
}

/**
 * dist/resource-types of the jetway this code belongs to: found upwards from
 * this file, which sits in src/executor/ in a checkout and in dist/ or dist/cli/
 * once bundled.
 */
function defaultBundlesDir(): string {
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = join(dir, "dist", "resource-types");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(import.meta.dirname, "..", "..", "dist", "resource-types");
    dir = parent;
  }
}

export function isDeliveryChoice(value: string): value is DeliveryChoice {
  return (DELIVERY_CHOICES as readonly string[]).includes(value);
}

export type { DeliveryName };

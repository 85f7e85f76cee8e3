import { ResourceTypeRegistry } from "../src/registry.ts";
import type { ResourceType } from "../src/protocol/types.ts";
import { gitType } from "./git/index.ts";
import { mockType } from "./mock/index.ts";
import { s3Type } from "./s3/index.ts";
import { timeType } from "./time/index.ts";

/** Every natively implemented type. A new type is a folder here plus one line in this list. */
export const builtinTypes: readonly ResourceType[] = [timeType, mockType, gitType, s3Type];

export function createDefaultRegistry(): ResourceTypeRegistry {
  const registry = new ResourceTypeRegistry();
  for (const type of builtinTypes) registry.register(type);
  return registry;
}

export { gitType, mockType, s3Type, timeType };

/** jetway's public API: the protocol, the registry and the native resource types, for in-process use. */
export * from "./protocol/index.ts";
export { ResourceTypeRegistry, type TypeJsonSchema } from "./registry.ts";
export { builtinTypes, createDefaultRegistry, gitType, mockType, s3Type, timeType } from "../resource-types/index.ts";

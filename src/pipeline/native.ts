import type { ResourceType } from "../protocol/types.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { asMap, asString, named, type RawMap } from "./raw.ts";
import type { NativeMode } from "./types.ts";

/** How a resource runs: in-process through a native type, or through the container fallback. */
export type ResourceExecution =
  | { kind: "native"; type: ResourceType }
  | { kind: "fallback"; reason: "not-native" | "overridden" | "native-false" }
  | { kind: "invalid"; message: string };

interface ResourceLike {
  type?: unknown;
  native?: unknown;
}

/**
 * Decides native or fallback by the `native` key (see nativeSchema in
 * types.ts): by default a type jetway implements runs natively unless the
 * pipeline's resource_types redefines that name; `true` prefers native even
 * then; `false` never; `required` fails validation when it cannot be native.
 */
export function resourceExecution(resource: ResourceLike, declaredTypes: ReadonlySet<string>, registry: ResourceTypeRegistry): ResourceExecution {
  const typeName = asString(resource.type);
  if (typeName === undefined) return { kind: "invalid", message: "has no type" };
  const native = resource.native as NativeMode | undefined;
  const implemented = registry.isNative(typeName);
  const declared = declaredTypes.has(typeName);
  const known = registry.list().map((t) => t.name).join(", ");
  if (!implemented && !declared) {
    return {
      kind: "invalid",
      message: `type ${JSON.stringify(typeName)} is neither a native type (${known}) nor declared in resource_types`,
    };
  }
  if (native === "required" && !implemented) {
    return { kind: "invalid", message: `native: required, but jetway has no native ${JSON.stringify(typeName)} type (native types: ${known})` };
  }
  if (native === false) return { kind: "fallback", reason: "native-false" };
  if (!implemented) return { kind: "fallback", reason: "not-native" };
  if (declared && native === undefined) return { kind: "fallback", reason: "overridden" };
  return { kind: "native", type: registry.get(typeName) };
}

/** The names declared under resource_types. */
export function declaredTypeNames(pipeline: unknown): Set<string> {
  return new Set(named(asMap(pipeline)?.resource_types).map((t) => t.name));
}

/**
 * A resource's source as its type sees it: the `defaults` of a resource_types
 * entry of the same name under the resource's own keys, as Concourse merges
 * them (top-level keys, the resource's win).
 */
export function effectiveSource(resource: RawMap, pipeline: unknown): RawMap {
  const source = asMap(resource.source) ?? {};
  const typeName = asString(resource.type);
  const entry = named(asMap(pipeline)?.resource_types).find((t) => t.name === typeName);
  const defaults = asMap(entry?.value.defaults);
  return defaults ? { ...defaults, ...source } : source;
}

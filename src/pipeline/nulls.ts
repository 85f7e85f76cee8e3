import type { YamlPath } from "./problems.ts";

/** Keys whose values are handed on as they are (to a resource, a task's env, a var file). */
const OPAQUE = new Set(["source", "params", "get_params", "defaults", "vars", "instance_vars", "version"]);

/**
 * Go reads `key: null` (or `key:` with nothing after it) as the field's zero
 * value, so Concourse accepts `groups:` with nothing under it or `trigger: ~`.
 * Such keys are dropped from the pipeline's own structure before the schema
 * sees it. Values under opaque keys keep their nulls: those reach the
 * resource (or the task's env) as written.
 */
export function dropStructuralNulls(value: unknown, path: YamlPath = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => dropStructuralNulls(v, [...path, i]));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = isOpaque(path, k) ? v : dropStructuralNulls(v, [...path, k]);
  }
  return out;
}

function isOpaque(path: YamlPath, key: string): boolean {
  if (OPAQUE.has(key)) return true;
  // a var source's config goes to the credential manager; a task's config is structure
  return key === "config" && path.length === 2 && path[0] === "var_sources";
}

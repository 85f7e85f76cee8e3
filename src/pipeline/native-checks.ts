import type * as z from "zod";
import type { ConfigProblem, ResourceType } from "../protocol/types.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { issuesToProblems } from "./issues.ts";
import { declaredTypeNames, effectiveSource, resourceExecution } from "./native.ts";
import type { Problem, YamlPath } from "./problems.ts";
import { asMap, hasDynamic, named } from "./raw.ts";
import type { Report } from "./references.ts";
import { forEachStep, stepResource } from "./walk.ts";

interface NativeResource {
  type: ResourceType;
  source: Record<string, unknown>;
  /** the source has problems or unresolved vars: params are then checked by schema only, not by decoding with it */
  sourceUsable: boolean;
}

/**
 * Each resource's type must exist; a native resource's source, pinned
 * version and every get/put's params are checked against the type's own
 * schemas, then by the type's own decoding (`validateSource`,
 * `validateParams`), so what would fail at the first check or get fails here.
 */
export function checkNativeResources(
  pipeline: unknown,
  registry: ResourceTypeRegistry,
  report: Report,
  lineOf: (p: YamlPath) => number | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const declared = declaredTypeNames(pipeline);
  const natives = new Map<string, NativeResource>();
  const byDecoding = decodingOnce();

  for (const r of named(asMap(pipeline)?.resources)) {
    const base: YamlPath = ["resources", r.index];
    const execution = resourceExecution(r.value, declared, registry);
    if (execution.kind === "invalid") {
      report([...base, r.value.native === "required" ? "native" : "type"], execution.message);
      continue;
    }
    if (execution.kind !== "native") continue;
    const { type } = execution;
    const source = effectiveSource(r.value, pipeline);
    const found = [
      ...bySchema(type.schemas.source, source, [...base, "source"], lineOf),
      ...(r.value.version === undefined ? [] : bySchema(type.schemas.version, r.value.version, [...base, "version"], lineOf)),
    ];
    if (found.length === 0 && type.validateSource && !hasDynamic(source)) {
      found.push(...byType(byDecoding(type, "source", source, undefined, () => type.validateSource!(source)), [...base, "source"], lineOf));
    }
    problems.push(...found);
    natives.set(r.name, { type, source, sourceUsable: found.length === 0 && !hasDynamic(source) });
  }

  forEachStep(pipeline, ({ step, kind, path }) => {
    if (kind !== "get" && kind !== "put") return;
    const resource = stepResource(step, kind).name;
    const native = resource === undefined ? undefined : natives.get(resource);
    if (!native) return;
    const check = (op: "in" | "out", key: "params" | "get_params") => {
      const params = step[key] ?? {};
      const schema = op === "in" ? native.type.schemas.getParams : native.type.schemas.putParams;
      const found = bySchema(schema, params, [...path, key], lineOf);
      if (found.length === 0 && native.sourceUsable && native.type.validateParams && !hasDynamic(params)) {
        const decoded = byDecoding(native.type, op, native.source, params, () => native.type.validateParams!(op, params, native.source));
        found.push(...byType(decoded, [...path, key], lineOf));
      }
      problems.push(...found);
    };
    if (kind === "get") {
      check("in", "params");
      const version = asMap(step.version);
      if (version) problems.push(...bySchema(native.type.schemas.version, version, [...path, "version"], lineOf));
    } else {
      check("out", "params");
      if (step.no_get !== true) check("in", "get_params");
    }
  });
  return problems;
}

/**
 * validateSource and validateParams decode and nothing else, so their answer
 * depends on the type, the operation and the values alone. Pipelines repeat
 * them (every job's `get: repo`, sources shared through YAML anchors), and a
 * decode can cost a millisecond, so each distinct one is asked once per load.
 */
function decodingOnce(): (type: ResourceType, op: "source" | "in" | "out", source: unknown, params: unknown, decode: () => ConfigProblem[]) => ConfigProblem[] {
  const answers = new Map<string, ConfigProblem[]>();
  return (type, op, source, params, decode) => {
    const key = `${type.name}\u0000${op}\u0000${exactJson(source)}\u0000${exactJson(params)}`;
    let found = answers.get(key);
    if (found === undefined) {
      found = decode();
      answers.set(key, found);
    }
    return found;
  };
}

/** JSON that also tells apart what JSON.stringify merges (NaN, the infinities and null; -0 and 0), marked by a leading NUL. */
function exactJson(value: unknown): string {
  const marked = (_: string, v: unknown) => {
    if (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))) return `\u0000${Object.is(v, -0) ? "-0" : String(v)}`;
    if (typeof v === "string" && v.startsWith("\u0000")) return `\u0000${v}`;
    return v;
  };
  return JSON.stringify(value, marked) ?? "undefined";
}

function bySchema(schema: z.ZodType, value: unknown, base: YamlPath, lineOf: (p: YamlPath) => number | undefined): Problem[] {
  const result = schema.safeParse(value);
  return result.success ? [] : issuesToProblems(result.error.issues, value, base, lineOf);
}

function byType(found: ConfigProblem[], base: YamlPath, lineOf: (p: YamlPath) => number | undefined): Problem[] {
  return found.map((p) => {
    const path = [...base, ...p.path];
    return { code: "PIPELINE_INVALID", path, line: lineOf(path), message: p.message };
  });
}

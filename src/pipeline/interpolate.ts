import type { Problem, YamlPath } from "./problems.ts";
import { findVarRefs, LOCAL_SOURCE, showRef, wholeVarRef, type VarRef } from "./var-ref.ts";
import type { Vars } from "./vars.ts";

export interface InterpolationResult {
  value: unknown;
  problems: Problem[];
}

export interface InterpolationContext {
  vars: Vars;
  lineOf(path: YamlPath): number | undefined;
  /** names declared under var_sources, to say why a `((source:var))` has no value */
  varSources: ReadonlySet<string>;
}

/**
 * Replaces `((var))` references in every string (keys included), as fly
 * does before it sends a pipeline: a string that is one reference becomes the
 * var's value with its type (a map stays a map); a reference inside a longer
 * string is replaced by the value as text. Local vars (`((.:name))`) are left
 * for the runner. A reference without a value is a VAR_MISSING problem and
 * stays as written, so the rest of the pipeline can still be checked.
 */
export function interpolate(value: unknown, ctx: InterpolationContext): InterpolationResult {
  const problems: Problem[] = [];
  const missing = (path: YamlPath, ref: VarRef, message: string) =>
    problems.push({ code: "VAR_MISSING", path, line: ctx.lineOf(path), message: `${showRef(ref)}: ${message}${hint(ref, ctx)}` });

  const text = (s: string, path: YamlPath): string => {
    const refs = findVarRefs(s);
    if (refs.length === 0) return s;
    let out = "";
    let last = 0;
    for (const { ref, start, end } of refs) {
      out += s.slice(last, start);
      last = end;
      const original = s.slice(start, end);
      if (ref.source === LOCAL_SOURCE) {
        out += original;
        continue;
      }
      const found = ctx.vars.lookup(ref);
      if (!found.found) {
        missing(path, ref, found.message);
        out += original;
      } else if (found.value === null || typeof found.value === "object") {
        problems.push({
          code: "PIPELINE_INVALID",
          path,
          line: ctx.lineOf(path),
          message: `${showRef(ref)} is a ${found.value === null ? "null" : Array.isArray(found.value) ? "list" : "map"} and cannot be part of a longer string`,
        });
        out += original;
      } else out += String(found.value);
    }
    return out + s.slice(last);
  };

  // one path stack for the whole walk; copied only when a problem is reported
  const path: (string | number)[] = [];
  const here = () => [...path];
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      if (!v.includes("((")) return v;
      const whole = wholeVarRef(v);
      if (whole === undefined || whole.source === LOCAL_SOURCE) return text(v, here());
      const found = ctx.vars.lookup(whole);
      if (found.found) return structuredClone(found.value);
      missing(here(), whole, found.message);
      return v;
    }
    if (Array.isArray(v)) {
      return v.map((x, i) => {
        path.push(i);
        const out = walk(x);
        path.pop();
        return out;
      });
    }
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        path.push(k);
        // the value keeps the key's path as written, which is where its line is known
        out[k.includes("((") ? text(k, here()) : k] = walk(x);
        path.pop();
      }
      return out;
    }
    return v;
  };

  return { value: walk(value), problems };
}

function hint(ref: VarRef, ctx: InterpolationContext): string {
  if (ref.source === undefined) return " (give it with -v, -y or -l)";
  if (!ctx.varSources.has(ref.source)) return ` (var source ${JSON.stringify(ref.source)} is not declared in var_sources; give the value with -v ${ref.source}:${ref.name}=...)`;
  return ` (jetway does not read var_sources; give the value with -v ${ref.source}:${ref.name}=...)`;
}

/**
 * across: the step once per combination of the vars' values (the first var
 * outermost), each iteration in a child scope holding the vars as local vars.
 * Each var's max_in_flight bounds how many of its values run at once (default
 * 1); fail_fast stops the rest after the first failure.
 */
import { JetwayError } from "../../protocol/errors.ts";
import { stepKind, type AcrossVar, type Step } from "../../pipeline/types.ts";
import { runLimited } from "./concurrency.ts";
import type { StepContext } from "./context.ts";
import { interpolateLocal } from "./local-vars.ts";
import type { Result } from "./outcome.ts";
import { recorded } from "./record.ts";
import { stepName } from "./step.ts";

type IterationBody = (ctx: StepContext, id: string, values: Record<string, unknown> | undefined) => Promise<Result>;

interface ResolvedVar {
  name: string;
  values: unknown[];
  limit: number;
}

export function runAcross(step: Step, id: string, ctx: StepContext, body: IterationBody): Promise<Result> {
  const across = step.across;
  if (across === undefined) return body(ctx, id, undefined);
  const kind = stepKind(step) ?? "do";
  return recorded({ id, kind: "across", name: stepName(step, kind) }, ctx, async () => {
    const vars = across.map((v) => resolveVar(v, ctx, id));
    // iteration numbers follow the combinations in order, the last var changing fastest
    const strides = vars.map((_, k) => vars.slice(k + 1).reduce((n, v) => n * v.values.length, 1));
    const failFast = step.fail_fast ?? false;
    const level = async (k: number, bound: Record<string, unknown>, index: number, signal: AbortSignal): Promise<Result> => {
      const v = vars[k];
      if (v === undefined) {
        const scope = ctx.scope.child();
        for (const [name, value] of Object.entries(bound)) scope.setLocalVar(name, value);
        return body({ ...ctx, scope, signal }, `${id}.across.${index}`, bound);
      }
      const stride = strides[k] ?? 1;
      const run = await runLimited(v.values.length, v.limit, failFast, signal, (i, s) =>
        level(k + 1, { ...bound, [v.name]: v.values[i] }, index + i * stride, s),
      );
      return run.result;
    };
    return level(0, {}, 0, ctx.signal);
  });
}

function resolveVar(v: AcrossVar, ctx: StepContext, id: string): ResolvedVar {
  const values = typeof v.values === "string" ? interpolateLocal(v.values, ctx.scope, `step ${id} across var ${v.var}`) : v.values;
  if (!Array.isArray(values)) {
    throw new JetwayError("INVALID_CONFIG", `step ${id}: across var ${v.var}: values must be a list (got ${JSON.stringify(values)})`);
  }
  const limit = v.max_in_flight === "all" ? values.length : (v.max_in_flight ?? 1);
  return { name: v.var, values, limit };
}

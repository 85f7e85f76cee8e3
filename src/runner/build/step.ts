/**
 * One step with its modifiers, nested as Concourse nests them: the hooks
 * around across, across around attempts, attempts around timeout, timeout
 * around the step itself. So hooks run once after all iterations and
 * attempts, each across iteration is retried on its own, and a timeout
 * limits each attempt.
 */
import { parseGoDuration } from "../../compat/go-duration.ts";
import { JetwayError } from "../../protocol/errors.ts";
import { isStep, STEP_SCHEMAS, stepKind, type Step, type StepKind } from "../../pipeline/types.ts";
import { runAcross } from "./across.ts";
import { runInParallel, runSequence, runTry } from "./compound.ts";
import type { StepContext } from "./context.ts";
import { withHooks } from "./hooks.ts";
import { interpolateLocal } from "./local-vars.ts";
import { StepTimeout, type Result } from "./outcome.ts";
import { recorded, errorMessage } from "./record.ts";
import { runGet } from "./steps/get.ts";
import { runLoadVar } from "./steps/load-var.ts";
import { runPut } from "./steps/put.ts";
import { runTask } from "./steps/task.ts";
import type { StepRef } from "./types.ts";

/** setTimeout's ceiling (~24.8 days): a longer timeout is never reached by a build anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function runStep(step: Step, id: string, ctx: StepContext): Promise<Result> {
  return withHooks(step, id, ctx, () => runAcross(step, id, ctx, (iteration, iterationId, values) => runAttempts(step, iterationId, iteration, values)));
}

async function runAttempts(step: Step, id: string, ctx: StepContext, values: Record<string, unknown> | undefined): Promise<Result> {
  const attempts = step.attempts;
  if (attempts === undefined) return runTimed(step, id, undefined, ctx, values);
  let result: Result = { status: "errored", detail: "no attempt ran" };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await runTimed(step, id, attempt, ctx, values);
    if (result.status === "succeeded" || result.status === "aborted" || ctx.signal.aborted) return result;
  }
  return result;
}

async function runTimed(step: Step, id: string, attempt: number | undefined, ctx: StepContext, values: Record<string, unknown> | undefined): Promise<Result> {
  const timeout = step.timeout;
  if (timeout === undefined) return runCore(step, id, attempt, ctx, values);
  const ms = Number(parseGoDuration(timeout) / 1_000_000n);
  if (ms > MAX_TIMER_MS) return runCore(step, id, attempt, ctx, values);
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new StepTimeout(timeout)), Math.max(0, ms));
  try {
    return await runCore(step, id, attempt, { ...ctx, signal: AbortSignal.any([ctx.signal, timer.signal]) }, values);
  } finally {
    clearTimeout(handle);
  }
}

/** The step itself: its local vars filled, then run by kind. */
async function runCore(step: Step, id: string, attempt: number | undefined, ctx: StepContext, values: Record<string, unknown> | undefined): Promise<Result> {
  const kind = stepKind(step);
  if (kind === undefined) throw new JetwayError("INTERNAL", `internal error: step ${id} has no action key`);
  const ref: StepRef = { id, kind, name: stepName(step, kind) };
  if (attempt !== undefined) ref.attempt = attempt;
  if (values !== undefined) ref.values = values;
  // children of a retried step get ids of their own from the second attempt on
  const childPrefix = attempt !== undefined && attempt > 1 ? `${id}.attempt.${attempt}` : id;

  let config: Step;
  try {
    config = interpolateStep(step, kind, ctx, id);
  } catch (e) {
    return recorded(ref, ctx, () => Promise.resolve({ status: "errored", detail: errorMessage(e) }));
  }
  ref.name = stepName(config, kind);

  if (isStep(config, "get")) return recorded(ref, ctx, () => runGet(config, ref, ctx));
  if (isStep(config, "put")) return runPut(config, ref, childPrefix, ctx);
  if (isStep(config, "task")) return recorded(ref, ctx, () => runTask(config, ref, ctx));
  if (isStep(config, "load_var")) return recorded(ref, ctx, () => runLoadVar(config, ref, ctx));
  if (isStep(config, "set_pipeline")) {
    return recorded(ref, ctx, () => {
      throw new JetwayError("UNSUPPORTED", "set_pipeline is not supported by jetway's runner: set pipelines with fly against a Concourse");
    });
  }
  if (isStep(config, "do")) return recorded(ref, ctx, () => runSequence(config.do, `${childPrefix}.do`, ctx));
  if (isStep(config, "in_parallel")) return recorded(ref, ctx, () => runInParallel(config.in_parallel, `${childPrefix}.in_parallel`, ctx));
  if (isStep(config, "try")) return recorded(ref, ctx, () => runTry(config.try, `${childPrefix}.try`, ctx));
  throw new JetwayError("INTERNAL", `internal error: step kind ${kind} has no runner`);
}

/** get/put: the artifact name; task: its name; load_var: the var; the rest: their kind. */
export function stepName(step: Step, kind: StepKind): string {
  switch (kind) {
    case "get":
    case "put":
    case "task":
    case "load_var":
    case "set_pipeline": {
      const name: unknown = (step as unknown as Record<string, unknown>)[kind];
      return typeof name === "string" ? name : JSON.stringify(name);
    }
    default:
      return kind;
  }
}

/** Keys holding other steps: they are filled when those steps run, in the scope of that moment. */
const NESTED_KEYS = new Set(["do", "in_parallel", "try", "across", "on_success", "on_failure", "on_error", "on_abort", "ensure"]);

/**
 * Fills `((.:var))` in the step's own keys. When anything was filled, the
 * result is checked against the step's schema again: a local var can hold
 * a value of any type.
 */
function interpolateStep(step: Step, kind: StepKind, ctx: StepContext, id: string): Step {
  const own: Record<string, unknown> = {};
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) (NESTED_KEYS.has(key) ? nested : own)[key] = value;
  const filled = interpolateLocal(own, ctx.scope, `step ${id} (${kind} ${stepName(step, kind)})`) as Record<string, unknown>;
  if (JSON.stringify(filled) === JSON.stringify(own)) return step;
  const parsed = STEP_SCHEMAS[kind].safeParse({ ...filled, ...nested });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : kind;
    throw new JetwayError("INVALID_CONFIG", `step ${id} (${kind}): after filling local vars, ${where}: ${issue?.message ?? "invalid"}`);
  }
  return { ...filled, ...nested } as unknown as Step;
}

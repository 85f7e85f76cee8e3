/**
 * Hooks, in Concourse's nesting: on_success innermost, then on_failure,
 * on_abort, on_error, and ensure outermost. So a failing on_success hook
 * makes the step failed and triggers its on_failure hook.
 */
import type { StepHooks, Step } from "../../pipeline/types.ts";
import type { StepContext } from "./context.ts";
import { neverAborted, worst, type Result } from "./outcome.ts";
import { runStep } from "./step.ts";

export async function withHooks(hooks: StepHooks, id: string, ctx: StepContext, inner: () => Promise<Result>): Promise<Result> {
  let result = await inner();
  if (hooks.on_success && result.status === "succeeded") {
    result = await runHook(hooks.on_success, `${id}.on_success`, ctx, false);
  }
  if (hooks.on_failure && result.status === "failed") {
    const hook = await runHook(hooks.on_failure, `${id}.on_failure`, ctx, false);
    // the step stays failed, unless the hook could not even run
    if (hook.status === "errored" || hook.status === "aborted") result = hook;
  }
  if (hooks.on_abort && result.status === "aborted") {
    await runHook(hooks.on_abort, `${id}.on_abort`, ctx, true);
  }
  if (hooks.on_error && result.status === "errored") {
    await runHook(hooks.on_error, `${id}.on_error`, ctx, false);
  }
  if (hooks.ensure) {
    result = worst(result, await runHook(hooks.ensure, `${id}.ensure`, ctx, true));
  }
  return result;
}

/** on_abort and ensure run even when the build is being aborted: they get a signal of their own. */
function runHook(hook: Step, id: string, ctx: StepContext, runsOnAbort: boolean): Promise<Result> {
  const signal = runsOnAbort && ctx.signal.aborted ? neverAborted() : ctx.signal;
  return runStep(hook, id, { ...ctx, signal });
}

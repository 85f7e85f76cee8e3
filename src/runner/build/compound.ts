/** Steps made of steps: a sequence (the plan, do), in_parallel and try. */
import { stepKind, type InParallelConfig, type Step } from "../../pipeline/types.ts";
import { runLimited } from "./concurrency.ts";
import type { StepContext } from "./context.ts";
import { SUCCEEDED, type Result } from "./outcome.ts";
import { runStep, stepName } from "./step.ts";

/** One after another; the first that does not succeed ends the sequence, and the rest are skipped. */
export async function runSequence(steps: readonly Step[], prefix: string, ctx: StepContext): Promise<Result> {
  for (const [index, step] of steps.entries()) {
    const result = await runStep(step, `${prefix}.${index}`, ctx);
    if (result.status !== "succeeded") {
      reportSkipped(steps, prefix, ctx, (i) => i > index);
      return result;
    }
  }
  return SUCCEEDED;
}

export async function runInParallel(config: Step[] | InParallelConfig, prefix: string, ctx: StepContext): Promise<Result> {
  const { steps, limit, fail_fast } = Array.isArray(config) ? { steps: config, limit: undefined, fail_fast: undefined } : config;
  const { result, started } = await runLimited(steps.length, limit ?? steps.length, fail_fast ?? false, ctx.signal, (index, signal) =>
    runStep(steps[index] as Step, `${prefix}.${index}`, { ...ctx, signal }),
  );
  reportSkipped(steps, prefix, ctx, (i) => !started[i]);
  return result;
}

/** A failure or error inside becomes success; an abort stays an abort. */
export async function runTry(step: Step, id: string, ctx: StepContext): Promise<Result> {
  const result = await runStep(step, id, ctx);
  return result.status === "aborted" ? result : SUCCEEDED;
}

function reportSkipped(steps: readonly Step[], prefix: string, ctx: StepContext, skipped: (index: number) => boolean): void {
  for (const [index, step] of steps.entries()) {
    if (!skipped(index)) continue;
    const kind = stepKind(step);
    if (kind === undefined) continue;
    ctx.build.recorder.stepFinished({ id: `${prefix}.${index}`, kind: step.across ? "across" : kind, name: stepName(step, kind) }, "skipped");
  }
}

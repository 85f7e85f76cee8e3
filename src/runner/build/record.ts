/** The one place a step's start and end are reported, and thrown errors become results. */
import { isJetwayError } from "../../protocol/errors.ts";
import type { StepContext } from "./context.ts";
import { interrupted, type Result } from "./outcome.ts";
import type { StepRef } from "./types.ts";

/**
 * Runs `body` between stepStarted and stepFinished. A throw is an error of the
 * step (errored) unless the step was interrupted, in which case it ended as
 * its signal says (aborted, or failed for a timeout).
 */
export async function recorded(ref: StepRef, ctx: StepContext, body: () => Promise<Result>): Promise<Result> {
  const { recorder } = ctx.build;
  recorder.stepStarted(ref);
  let result: Result;
  try {
    result = ctx.signal.aborted ? interrupted(ctx.signal) : await body();
    if (result.status !== "succeeded" && ctx.signal.aborted) result = interrupted(ctx.signal);
  } catch (e) {
    result = ctx.signal.aborted ? interrupted(ctx.signal) : { status: "errored", detail: errorMessage(e) };
  }
  recorder.stepFinished(ref, result.status, result.detail);
  return result;
}

export function errorMessage(e: unknown): string {
  if (isJetwayError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

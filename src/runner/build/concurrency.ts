/** Running N steps at most `limit` at a time, as in_parallel and across do. */
import { interrupted, SUCCEEDED, worst, type Result } from "./outcome.ts";

export interface LimitedRun {
  result: Result;
  /** which of the N were started (the others were cut off by fail_fast or an abort) */
  started: boolean[];
}

/**
 * With `failFast`, the first failure or error stops what runs (through the
 * signal each run gets) and starts nothing more; the runs stopped that way do
 * not count, so the result is the failure that caused it. An abort of
 * `parent` ends the whole as its signal says.
 */
export async function runLimited(
  count: number,
  limit: number,
  failFast: boolean,
  parent: AbortSignal,
  run: (index: number, signal: AbortSignal) => Promise<Result>,
): Promise<LimitedRun> {
  const stop = new AbortController();
  const signal = AbortSignal.any([parent, stop.signal]);
  const started = new Array<boolean>(count).fill(false);
  let result: Result = SUCCEEDED;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && !signal.aborted) {
      const index = next++;
      started[index] = true;
      const one = await run(index, signal);
      const cutOff = one.status === "aborted" && stop.signal.aborted && !parent.aborted;
      if (!cutOff) result = worst(result, one);
      if (failFast && (one.status === "failed" || one.status === "errored")) stop.abort();
    }
  };
  const workers = Math.max(0, Math.min(limit, count));
  await Promise.all(Array.from({ length: workers }, worker));
  if (parent.aborted) result = worst(result, interrupted(parent));
  return { result, started };
}

/** Results of steps and how they combine (hooks, in_parallel, across, ensure). */
import type { BuildStatus } from "./types.ts";

export interface Result {
  status: BuildStatus;
  detail?: string;
}

export const SUCCEEDED: Result = { status: "succeeded" };

/** aborted > errored > failed > succeeded: what a combination of results reports. */
const RANK: Record<BuildStatus, number> = { succeeded: 0, failed: 1, errored: 2, aborted: 3 };

export function worst(a: Result, b: Result): Result {
  return RANK[b.status] > RANK[a.status] ? b : a;
}

/**
 * The abort reason of a step whose `timeout` ran out. Concourse counts a
 * timeout as a failure, not an abort, so whoever sees a signal aborted with
 * this reason ends as failed.
 */
export class StepTimeout {
  readonly duration: string;
  constructor(duration: string) {
    this.duration = duration;
  }
}

/** What a step interrupted by `signal` reports: failed for a timeout, aborted otherwise. */
export function interrupted(signal: AbortSignal): Result {
  const reason: unknown = signal.reason;
  if (reason instanceof StepTimeout) return { status: "failed", detail: `timed out after ${reason.duration}` };
  return { status: "aborted", detail: "interrupted" };
}

/** A signal that never fires: hooks that run because of an abort must not be aborted by it. */
export function neverAborted(): AbortSignal {
  return new AbortController().signal;
}

/**
 * The build engine's public types: what the scheduler hands over to run one
 * build of one job, and what the engine reports back while it runs.
 */
import type { ResourceExecutor } from "../../executor/types.ts";
import type { Driver } from "../../orchestra/types.ts";
import type { Job, Pipeline, StepKind } from "../../pipeline/types.ts";
import type { Metadata, Version } from "../../protocol/types.ts";

/**
 * How a step ended. `skipped`: never started because an earlier step of its
 * sequence (the plan, a `do`, a fail-fast `in_parallel`) ended it; reported with
 * stepFinished only, never with stepStarted.
 */
export type StepStatus = "succeeded" | "failed" | "errored" | "aborted" | "skipped";

/** How a build (or one run of a step) ended. */
export type BuildStatus = Exclude<StepStatus, "skipped">;

/** `across`: the step that runs its iterations (each iteration is the step's own kind). */
export type StepRefKind = StepKind | "across";

/**
 * One step of a build, as the recorder sees it. Compound steps (do, try,
 * in_parallel, across) are reported too, so a UI can draw the tree; logs,
 * inputs and outputs only ever come from get, put, task and load_var.
 */
export interface StepRef {
  /**
   * The step's path from the job, stable from build to build:
   * `plan.0`, `plan.1.in_parallel.0`, `plan.2.do.1`, `plan.3.try`,
   * `plan.4.on_failure` (a hook), `plan.5.get` (a put's implicit get),
   * `plan.6.across.2` (an iteration), `job.ensure` (the job's hooks).
   * A retried step keeps its id and says its `attempt`; the ids of its children
   * gain `.attempt.N` from the second attempt on.
   */
  id: string;
  kind: StepRefKind;
  /** get/put: the artifact name; task: the task name; load_var: the var; compound steps: their kind */
  name: string;
  /** 1-based, set when the step has `attempts` */
  attempt?: number;
  /** the local vars of an across iteration */
  values?: Readonly<Record<string, unknown>>;
}

/** Implemented by the scheduler/CLI: the state store plus the live output. */
export interface BuildRecorder {
  stepStarted(step: StepRef): void;
  /** `detail`: one line saying why a step did not succeed ("exit status 1", "timed out after 5m", an error) */
  stepFinished(step: StepRef, status: StepStatus, detail?: string): void;
  /** text as it arrives: chunks are not split into lines, and a line may span chunks */
  log(step: StepRef, stream: "stdout" | "stderr", text: string): void;
  /** a get fetched this version (the implicit get after a put is not an input) */
  input(step: StepRef, resource: string, version: Version, metadata: Metadata): void;
  /** a put created this version */
  output(step: StepRef, resource: string, version: Version, metadata: Metadata): void;
}

export interface BuildOptions {
  pipeline: Pipeline;
  job: Job;
  /** the build's name, as BUILD_NAME ("1", "2", ...) */
  buildName: string;
  /** the store's id of the build, as BUILD_ID */
  buildId?: string;
  /** BUILD_PIPELINE_NAME; also part of the cache volumes' names */
  pipelineName?: string;
  /** BUILD_TEAM_NAME; default "main" */
  teamName?: string;
  /** ATC_EXTERNAL_URL */
  externalUrl?: string;
  /**
   * The scheduler's chosen version per get step, by the step's `get:` name.
   * A get with a pinned `version:` uses its pin instead; a resource-level
   * `version:` pin is the fallback when the map has no entry.
   */
  inputs: ReadonlyMap<string, Version>;
  /** values for `((vars))` in task files that the step's `vars:` do not give (the run's -v/-y/-l vars) */
  vars?: Readonly<Record<string, unknown>>;
  driver: Driver;
  executor: ResourceExecutor;
  recorder: BuildRecorder;
  /** aborting stops running containers, runs on_abort and ensure hooks, and ends the build as aborted */
  signal: AbortSignal;
}

export interface BuildOutcome {
  status: BuildStatus;
  /** why the build did not succeed, from the step that decided it */
  detail?: string;
}

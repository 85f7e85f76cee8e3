/** Runs one claimed build with the build engine, recording into the store and the live output. */
import { runBuild } from "./build/index.ts";
import type { BuildOutcome } from "./build/types.ts";
import type { Driver } from "../orchestra/types.ts";
import type { ResourceExecutor } from "../executor/types.ts";
import { redact } from "../protocol/secrets.ts";
import type { Version } from "../protocol/types.ts";
import type { StateStore } from "../state/index.ts";
import type { ClaimedBuild } from "./claim.ts";
import { errorMessage } from "./errors.ts";
import type { JobModel, PipelineModel } from "./model.ts";
import { BuildOutput } from "./output/recorder.ts";
import type { Terminal } from "./output/terminal.ts";

export interface ExecuteContext {
  store: StateStore;
  model: PipelineModel;
  driver: Driver;
  executor: ResourceExecutor;
  terminal: Terminal;
  secrets: ReadonlySet<string>;
  vars: Readonly<Record<string, unknown>>;
  signal: AbortSignal;
  now?: () => number;
}

export interface BuildResult {
  job: string;
  number: number;
  outcome: BuildOutcome;
  durationMs: number;
}

export async function executeBuild(ctx: ExecuteContext, job: JobModel, claimed: ClaimedBuild): Promise<BuildResult> {
  const now = ctx.now ?? Date.now;
  const started = now();
  const output = new BuildOutput({
    store: ctx.store,
    terminal: ctx.terminal,
    buildId: claimed.id,
    job: job.name,
    number: claimed.number,
    resourceIds: ctx.model.resourceIds(),
    secrets: ctx.secrets,
    now,
  });
  const inputs = new Map<string, Version>([...claimed.inputs].map(([name, v]) => [name, v.version]));
  output.announce(claimed.reason, [...inputs].map(([name, version]) => ({ name, version })));
  let outcome: BuildOutcome;
  try {
    outcome = await runBuild({
      pipeline: ctx.model.pipeline,
      job: job.config,
      buildName: String(claimed.number),
      buildId: String(claimed.id),
      pipelineName: ctx.model.name,
      inputs,
      vars: ctx.vars,
      driver: ctx.driver,
      executor: ctx.executor,
      recorder: output,
      signal: ctx.signal,
    });
  } catch (e) {
    // only the recorder (the store) throws out of runBuild
    outcome = { status: "errored", detail: `jetway: ${errorMessage(e)}` };
  }
  output.close();
  const durationMs = now() - started;
  // the detail is shown in the summary and stored: a step's error may quote a secret
  if (outcome.detail !== undefined) outcome = { status: outcome.status, detail: redact(outcome.detail, ctx.secrets) };
  try {
    ctx.store.builds.finish(claimed.id, outcome.status, outcome.detail, now());
  } catch (e) {
    outcome = { status: "errored", detail: `jetway: the build's end could not be stored: ${errorMessage(e)}` };
  }
  output.finished(outcome, durationMs);
  return { job: job.name, number: claimed.number, outcome, durationMs };
}

/**
 * One jetway process running a pipeline: opens the state, errors the builds
 * of processes that died, creates the driver, registers itself as a run (so
 * its own builds can be recovered if it dies), runs the scheduler, prints the
 * summary and tidies up.
 */
import { randomBytes } from "node:crypto";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { InProcessExecutor } from "../executor/in-process.ts";
import type { ResourceExecutor } from "../executor/types.ts";
import { createDriver } from "../orchestra/index.ts";
import type { Driver } from "../orchestra/types.ts";
import type { Pipeline } from "../pipeline/types.ts";
import type { Vars } from "../pipeline/vars.ts";
import { JetwayError } from "../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { StateStore, type RecoveredRun } from "../state/index.ts";
import { Checker } from "./checker.ts";
import { errorMessage } from "./errors.ts";
import { PipelineModel } from "./model.ts";
import { secretValues } from "./output/redactor.ts";
import { summaryTable } from "./output/summary.ts";
import { Terminal } from "./output/terminal.ts";
import { ReportingExecutor } from "./reporting-executor.ts";
import { Scheduler } from "./scheduler.ts";
import { runVars } from "./vars.ts";

export type RunMode = { kind: "once" } | { kind: "job"; job: string } | { kind: "watch" };

export interface RunOptions {
  pipeline: Pipeline;
  /** names the pipeline in the state (jetway uses the file's base name) */
  pipelineName: string;
  /** the state dir; default .jetway in the current directory */
  stateDir?: string;
  /** default native */
  driverSpec?: string;
  registry?: ResourceTypeRegistry;
  vars: Vars;
  /** default: native types in-process */
  executor?: ResourceExecutor;
  /** the executor also runs resources that are not native (the container fallback) */
  executorHandlesFallback?: boolean;
  /** the live output (stdout) */
  output: { write(text: string): void; tty: boolean; color: boolean };
  /** jetway's own warnings (stderr), one line each */
  warn(line: string): void;
  /** aborts running builds (on_abort and ensure run) and ends the run */
  signal: AbortSignal;
  /** for tests: the progress line's timings */
  progress?: { afterMs?: number; everyMs?: number };
}

export interface RunOutcome {
  /** 0: every build succeeded (or nothing was due); 1: a build failed or errored, or --job could not run; 130: interrupted */
  exitCode: number;
  builds: { job: string; number: number; status: string; detail?: string }[];
}

export async function runPipeline(options: RunOptions, mode: RunMode): Promise<RunOutcome> {
  const registry = options.registry ?? createDefaultRegistry();
  if (mode.kind === "job" && !(options.pipeline.jobs ?? []).some((j) => j.name === mode.job)) {
    const names = (options.pipeline.jobs ?? []).map((j) => j.name).join(", ") || "none";
    throw new JetwayError("USAGE", `no job named ${JSON.stringify(mode.job)} in the pipeline (jobs: ${names})`);
  }
  const driverSpec = options.driverSpec ?? "native";
  // the driver first: a bad spec or an engine that does not answer is reported before any state is made
  const namespace = `jetway-${process.pid}-${randomBytes(3).toString("hex")}`;
  const driver: Driver = await createDriver(driverSpec, { namespace, warn: (line) => options.warn(line) });
  let store: StateStore;
  try {
    store = StateStore.open(options.stateDir);
  } catch (e) {
    await driver.close().catch(() => undefined);
    throw e;
  }
  let runId: number | undefined;
  const terminal = new Terminal({
    write: options.output.write,
    tty: options.output.tty,
    color: options.output.color,
    ...(options.progress?.afterMs !== undefined && { progressAfterMs: options.progress.afterMs }),
    ...(options.progress?.everyMs !== undefined && { progressEveryMs: options.progress.everyMs }),
  });
  try {
    await reapDead(store.runs.recoverDead(), options.warn);
    runId = store.runs.start(store.owner, driverSpec, namespace);
    const model = new PipelineModel(options.pipeline, options.pipelineName, store, registry);
    const executor = new ReportingExecutor(options.executor ?? new InProcessExecutor(registry));
    const checker = new Checker({ store, executor, driver, executorHandlesFallback: options.executorHandlesFallback ?? false, signal: options.signal, resourceTypes: model.pipeline.resource_types ?? [] });
    const scheduler = new Scheduler({
      store,
      model,
      driver,
      executor,
      terminal,
      runId,
      checker,
      secrets: secretValues(options.vars, options.pipeline),
      vars: runVars(options.vars),
      signal: options.signal,
      warn: options.warn,
    });

    await scheduler.checkAll();
    let ranJob = true;
    if (mode.kind === "once") await scheduler.runOnce();
    else if (mode.kind === "job") ranJob = await scheduler.runJob(model.jobs.get(mode.job)!);
    else await scheduler.watch();

    const shownJobs = mode.kind === "job" ? [model.jobs.get(mode.job)!] : mode.kind === "once" ? model.order : [];
    const rows = scheduler.summary(shownJobs);
    terminal.close();
    if (rows.length === 0) terminal.line(mode.kind === "watch" ? "no builds ran" : "nothing to run: no job is due");
    else for (const line of ["", ...summaryTable(rows, terminal.style)]) terminal.line(line);

    const builds = scheduler.results.map((r) => ({ job: r.job, number: r.number, status: r.outcome.status, ...(r.outcome.detail !== undefined && { detail: r.outcome.detail }) }));
    let exitCode = builds.some((b) => b.status !== "succeeded") || !ranJob ? 1 : 0;
    if (options.signal.aborted) exitCode = 130;
    return { exitCode, builds };
  } finally {
    terminal.close();
    if (runId !== undefined) store.runs.end(runId);
    await driver.close().catch((e: unknown) => options.warn(`driver ${driverSpec}: ${errorMessage(e)}`));
    store.close();
  }
}

/**
 * Says which builds died with their process, and removes what those
 * processes left in their driver (containers, volumes): a best effort, as the
 * driver may be gone too.
 */
async function reapDead(recovered: RecoveredRun[], warn: (line: string) => void): Promise<void> {
  for (const { run, builds } of recovered) {
    for (const b of builds) warn(`build ${b.job} #${b.number} of ${b.pipeline} errored: its jetway process (pid ${run.owner.pid}) is gone`);
    try {
      const driver = await createDriver(run.driver, { namespace: run.namespace });
      await driver.close();
    } catch (e) {
      warn(`could not clean up after jetway process ${run.owner.pid} (driver ${run.driver}, namespace ${run.namespace}): ${errorMessage(e)}`);
    }
  }
}

/**
 * The scheduler: checks resources, decides which jobs are due, claims their
 * builds and runs them, upstream jobs before the jobs that name them in
 * `passed`. Three ways to drive it:
 *
 * - runOnce (`jetway run`): check every resource once, then run every due job,
 *   each at most once, waiting for upstream jobs to finish before deciding on
 *   their downstream, until nothing is due.
 * - runJob (`jetway run --job`): one build of one job, triggered or not.
 * - watch (`jetway watch`): check each resource every check_every and trigger
 *   jobs as versions arrive, until the signal aborts.
 */
import { redact } from "../protocol/secrets.ts";
import type { Checker, CheckReport } from "./checker.ts";
import { claimBuild, type ClaimContext, type ClaimedBuild } from "./claim.ts";
import { durationMs } from "./durations.ts";
import { errorMessage } from "./errors.ts";
import { executeBuild, type BuildResult, type ExecuteContext } from "./execute.ts";
import type { JobModel, ResourceModel } from "./model.ts";
import type { SummaryRow } from "./output/summary.ts";
import { Wake } from "./wake.ts";

export interface SchedulerOptions extends ExecuteContext {
  runId: number;
  checker: Checker;
  /** one line for jetway's own messages (stderr) */
  warn(line: string): void;
  /** how many checks run at once */
  checkConcurrency?: number;
}

/** Concourse's default check interval. */
const DEFAULT_CHECK_EVERY = "1m";
/** How often a run waiting on another process's build looks again, and how often watch looks for dead processes. */
const RETRY_MS = 1000;
const RECOVER_EVERY_MS = 10_000;

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #claim: ClaimContext;
  readonly #wake = new Wake();
  readonly #running = new Map<string, Set<Promise<BuildResult>>>();
  readonly #results: BuildResult[] = [];
  readonly #notRun = new Map<string, string>();
  #changed = true;

  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.#claim = {
      store: options.store,
      model: options.model,
      runId: options.runId,
      whyNoVersions: (r) => options.checker.whyNoVersions(r),
      ...(options.now && { now: options.now }),
    };
  }

  get results(): readonly BuildResult[] {
    return this.#results;
  }

  /** Checks every resource (a few at a time) and prints one line for each. */
  async checkAll(): Promise<void> {
    const queue = [...this.#o.model.resources.values()];
    const workers = Array.from({ length: Math.min(queue.length, this.#o.checkConcurrency ?? 4) }, async () => {
      for (let r = queue.shift(); r !== undefined && !this.#o.signal.aborted; r = queue.shift()) this.#printCheck(await this.#o.checker.check(r), true);
    });
    await Promise.all(workers);
  }

  async runOnce(): Promise<void> {
    const ran = new Set<string>();
    while (!this.#o.signal.aborted) {
      const { held } = this.#pass(ran);
      if (this.#runningCount() === 0) {
        if (!held) break;
        // a build of another process holds a serial job: look again shortly
        await this.#wake.wait(RETRY_MS, this.#o.signal);
        this.recover();
        continue;
      }
      await this.#wake.wait(Infinity, this.#o.signal);
    }
    await this.#drain();
  }

  /** One build of one job, whether or not anything is new; false when its inputs do not resolve. */
  async runJob(job: JobModel): Promise<boolean> {
    let said = "";
    while (!this.#o.signal.aborted) {
      const r = claimBuild(this.#claim, job, "manual");
      if (r.kind === "claimed") {
        this.#start(job, r.build);
        await this.#drain();
        return true;
      }
      if (r.kind !== "held") {
        this.#notRun.set(job.name, r.reason);
        return false;
      }
      if (r.reason !== said) this.#o.terminal.line(`${job.name}: ${r.reason}`);
      said = r.reason;
      await this.#wake.wait(RETRY_MS, this.#o.signal);
      this.recover();
    }
    return true;
  }

  async watch(): Promise<void> {
    const now = this.#o.now ?? Date.now;
    const nextCheck = new Map<ResourceModel, number>();
    const checking = new Set<ResourceModel>();
    let lastRecover = now();
    let lastHeldPass = 0;
    let held = false;
    const inFlight = new Set<Promise<void>>();
    for (const r of this.#o.model.resources.values()) nextCheck.set(r, now());
    while (!this.#o.signal.aborted) {
      for (const [resource, at] of nextCheck) {
        if (at > now() || checking.has(resource)) continue;
        checking.add(resource);
        nextCheck.set(resource, Infinity);
        const done: Promise<void> = this.#o.checker.check(resource).then((report) => {
          checking.delete(resource);
          inFlight.delete(done);
          const every = resource.config.check_every ?? DEFAULT_CHECK_EVERY;
          if (every === "never" || report.skipped !== undefined) nextCheck.delete(resource);
          else nextCheck.set(resource, now() + durationMs(every));
          this.#printCheck(report, false);
          if (report.added > 0) this.#changed = true;
          this.#wake.notify();
        });
        inFlight.add(done);
      }
      if (now() - lastRecover >= RECOVER_EVERY_MS) {
        lastRecover = now();
        if (this.recover() > 0) this.#changed = true;
      }
      if (this.#changed || (held && now() - lastHeldPass >= RETRY_MS)) {
        this.#changed = false;
        lastHeldPass = now();
        held = this.#pass(undefined).held;
      }
      const soonest = Math.min(...nextCheck.values(), now() + RETRY_MS);
      await this.#wake.wait(Math.min(RETRY_MS, soonest - now()), this.#o.signal);
    }
    await Promise.allSettled(inFlight);
    await this.#drain();
  }

  /** Errors builds whose process died; returns how many. */
  recover(): number {
    let count = 0;
    for (const r of this.#o.store.runs.recoverDead()) {
      for (const b of r.builds) {
        count++;
        this.#o.warn(`build ${b.job} #${b.number} of ${b.pipeline} errored: its jetway process (pid ${r.run.owner.pid}) is gone`);
      }
    }
    return count;
  }

  /** Every build run, then (run, not watch) every job that did not run and why. */
  summary(jobs: readonly JobModel[]): SummaryRow[] {
    const rows: SummaryRow[] = this.#results.map((r) => ({
      job: r.job,
      number: r.number,
      status: r.outcome.status,
      durationMs: r.durationMs,
      ...(r.outcome.detail !== undefined && { note: r.outcome.detail }),
    }));
    for (const job of jobs) {
      const why = this.#notRun.get(job.name);
      if (why !== undefined && !this.#results.some((r) => r.job === job.name)) rows.push({ job: job.name, status: "not run", note: why });
    }
    return rows;
  }

  /**
   * One look at every job in dependency order. A job waits (is not even
   * resolved) while a job upstream of it runs or waits, so it sees what that
   * job passes. `ran`: jobs already run this time (runOnce runs each once).
   */
  #pass(ran: Set<string> | undefined): { held: boolean } {
    const waiting = new Set<string>();
    let held = false;
    for (const job of this.#o.model.order) {
      if (this.#o.signal.aborted) break;
      if (ran?.has(job.name)) continue;
      const upstream = [...job.upstream].find((u) => waiting.has(u) || (this.#running.get(u)?.size ?? 0) > 0);
      if (upstream !== undefined) {
        waiting.add(job.name);
        this.#notRun.set(job.name, `waiting for ${upstream}`);
        continue;
      }
      let result;
      try {
        result = claimBuild(this.#claim, job, "scheduled");
      } catch (e) {
        this.#notRun.set(job.name, `jetway: ${errorMessage(e)}`);
        this.#o.warn(`${job.name}: could not schedule: ${errorMessage(e)}`);
        continue;
      }
      if (result.kind === "claimed") {
        ran?.add(job.name);
        this.#notRun.delete(job.name);
        this.#start(job, result.build);
        // its downstream must wait for it
        continue;
      }
      this.#notRun.set(job.name, result.reason);
      if (result.kind === "held") {
        held = true;
        waiting.add(job.name);
      }
    }
    return { held };
  }

  #start(job: JobModel, claimed: ClaimedBuild): void {
    let set = this.#running.get(job.name);
    if (set === undefined) this.#running.set(job.name, (set = new Set()));
    const running: Promise<BuildResult> = executeBuild(this.#o, job, claimed)
      .catch((e: unknown) => ({ job: job.name, number: claimed.number, outcome: { status: "errored" as const, detail: `jetway: ${errorMessage(e)}` }, durationMs: 0 }))
      .then((result) => {
        this.#results.push(result);
        set.delete(running);
        this.#changed = true;
        this.#wake.notify();
        return result;
      });
    set.add(running);
  }

  #runningCount(): number {
    let n = 0;
    for (const set of this.#running.values()) n += set.size;
    return n;
  }

  async #drain(): Promise<void> {
    while (this.#runningCount() > 0) await Promise.allSettled([...this.#running.values()].flatMap((s) => [...s]));
  }

  #printCheck(report: CheckReport, always: boolean): void {
    const t = this.#o.terminal;
    if (report.skipped !== undefined) {
      if (always) t.line(`check ${report.resource}: ${t.style.dim(`skipped: ${report.skipped}`)}`);
      return;
    }
    if (report.error !== undefined) {
      t.line(`check ${report.resource}: ${t.style.status("errored", "failed")}: ${redact(report.error, this.#o.secrets)}`);
      return;
    }
    if (!always && report.added === 0) return;
    const versions = `${report.added} new version${report.added === 1 ? "" : "s"}`;
    t.line(`check ${report.resource}: ${versions}${report.how ? t.style.dim(` (${report.how})`) : ""}`);
  }
}

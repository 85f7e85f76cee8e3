/**
 * Rows for the runner:
 * - scheduler overhead: 100 jobs chained by passed, each a native `get: time`
 *   and a native-driver task `true`, run by `jetway run`'s scheduler in-process
 *   on a fresh state. The figure is the run's wall time minus the time the
 *   tasks themselves took (each task step, start to end, as the store recorded
 *   it), per step (200 steps). Goal: < 20 ms per step.
 * - validate of a generated 2,000-line pipeline: in-process warm (the median
 *   of repeated loads, as `jetway watch` would reload), in-process cold (the
 *   first load in a fresh process, modules already imported), and through the
 *   CLI, which is what a user waits for. Goal: < 200 ms.
 * - `jetway --help`: the CLI's start-up alone, the floor under every command.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createDefaultRegistry } from "../resource-types/index.ts";
import { loadPipeline } from "../src/pipeline/index.ts";
import { Vars } from "../src/pipeline/vars.ts";
import { runPipeline } from "../src/runner/index.ts";
import { median, type BenchRow } from "./lib.ts";

const root = join(import.meta.dirname, "..");

/** job-1 gets tick; job-N gets tick passed [job-(N-1)]; each then runs `true` on the host. */
export function chainedPipeline(jobs: number): string {
  const lines = ["resources:", "- name: tick", "  type: time", "  source: {interval: 1h}", "jobs:"];
  for (let i = 1; i <= jobs; i++) {
    lines.push(
      `- name: job-${i}`,
      "  plan:",
      "  - get: tick",
      "    trigger: true",
      ...(i > 1 ? [`    passed: [job-${i - 1}]`] : []),
      "  - task: noop",
      "    config:",
      "      platform: linux",
      "      run: {path: 'true'}",
    );
  }
  return lines.join("\n") + "\n";
}

/** A pipeline of about `target` lines: resources of every native type and jobs using all step kinds. */
export function largePipeline(target: number): string {
  const head = ["resources:", "- name: repo", "  type: git", '  source: {uri: "https://example.com/app.git", branch: main}'];
  const jobs = ["jobs:"];
  let i = 0;
  while (head.length + jobs.length < target) {
    i++;
    head.push(
      `- name: tick-${i}`,
      "  type: time",
      "  source: {interval: 10m}",
      `- name: out-${i}`,
      "  type: mock",
      "  source: {initial_version: v1}",
    );
    jobs.push(
      `- name: job-${i}`,
      "  serial: true",
      "  plan:",
      "  - in_parallel:",
      "    - get: repo",
      "      trigger: true",
      ...(i > 1 ? [`      passed: [job-${i - 1}]`] : []),
      `    - get: tick-${i}`,
      "  - task: build",
      "    timeout: 5m",
      "    attempts: 2",
      "    config:",
      "      platform: linux",
      "      image_resource: {type: registry-image, source: {repository: busybox}}",
      "      inputs: [{name: repo}]",
      "      outputs: [{name: dist}]",
      "      params: {MODE: release}",
      "      run: {path: sh, args: [-ec, 'echo building > dist/out']}",
      `  - put: out-${i}`,
      "    params: {file: dist/out}",
      "    on_failure:",
      "      task: report",
      "      config: {platform: linux, run: {path: 'true'}}",
    );
  }
  return [...head, ...jobs].join("\n") + "\n";
}

async function schedulerOverhead(): Promise<{ perStepMs: number; totalMs: number; taskMs: number }> {
  const jobs = 100;
  const dir = mkdtempSync(join(tmpdir(), "jetway-bench-runner-"));
  try {
    const registry = createDefaultRegistry();
    const loaded = loadPipeline(chainedPipeline(jobs), { registry });
    if (loaded.pipeline === undefined) throw new Error(`bench pipeline invalid: ${loaded.problems[0]?.message}`);
    const state = join(dir, "state");
    const t0 = performance.now();
    const outcome = await runPipeline(
      {
        pipeline: loaded.pipeline,
        pipelineName: "bench",
        stateDir: state,
        driverSpec: `native?root=${join(dir, "native")}`,
        registry,
        vars: new Vars(),
        output: { write: () => undefined, tty: false, color: false },
        warn: () => undefined,
        signal: new AbortController().signal,
      },
      { kind: "once" },
    );
    const totalMs = performance.now() - t0;
    if (outcome.builds.length !== jobs || outcome.builds.some((b) => b.status !== "succeeded")) {
      throw new Error(`bench run: ${outcome.builds.length} builds, not ${jobs} succeeded ones`);
    }
    const db = new DatabaseSync(join(state, "state.db"), { readOnly: true });
    const row = db.prepare("SELECT SUM(ended_at - started_at) AS ms, COUNT(*) AS n FROM steps WHERE kind = 'task'").get() as { ms: number; n: number };
    db.close();
    if (row.n !== jobs) throw new Error(`bench run recorded ${row.n} tasks`);
    return { perStepMs: (totalMs - row.ms) / (2 * jobs), totalMs, taskMs: row.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runnerBenchRows(runs: number): Promise<BenchRow[]> {
  // a whole 100-job run per sample: a few samples are enough
  const samples: { perStepMs: number; totalMs: number; taskMs: number }[] = [];
  for (let i = 0; i < Math.max(1, Math.min(runs, 3)); i++) samples.push(await schedulerOverhead());
  samples.sort((a, b) => a.perStepMs - b.perStepMs);
  const mid = samples[Math.floor(samples.length / 2)]!;

  const text = largePipeline(2000);
  const lines = text.split("\n").length - 1;
  const registry = createDefaultRegistry();
  const check = loadPipeline(text, { registry });
  if (check.problems.length > 0) throw new Error(`bench pipeline invalid: ${check.problems[0]?.message}`);
  const inProcess = await median(runs, () => loadPipeline(text, { registry }));
  const dir = mkdtempSync(join(tmpdir(), "jetway-bench-validate-"));
  const file = join(dir, "large.yml");
  writeFileSync(file, text);
  const cold = coldLoads(file, Math.min(runs, 10));
  const cli = await median(Math.min(runs, 10), () => {
    const r = spawnSync(process.execPath, [join(root, "dist/cli/jetway.js"), "validate", file], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`validate failed: ${r.stderr}`);
  });
  const help = await median(Math.min(runs, 10), () => {
    const r = spawnSync(process.execPath, [join(root, "dist/cli/jetway.js"), "--help"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`jetway --help failed: ${r.stderr}`);
  });
  rmSync(dir, { recursive: true, force: true });
  return [
    {
      name: "scheduler overhead per step (100 chained jobs, get time + task true)",
      medianMs: mid.perStepMs,
      note: `goal < 20 ms; whole run ${Math.round(mid.totalMs)} ms of which tasks ${Math.round(mid.taskMs)} ms; median of ${samples.length} runs`,
    },
    { name: `validate, in-process warm (${lines}-line pipeline)`, medianMs: inProcess, note: "goal < 200 ms; repeated loads in one process" },
    { name: `validate, in-process cold (${lines}-line pipeline)`, medianMs: cold, note: "goal < 200 ms; the first load in a fresh process, imports excluded" },
    { name: `validate, jetway CLI (${lines}-line pipeline)`, medianMs: cli, note: "what a user waits for: node start-up, the bundle, the first load" },
    { name: "jetway --help", medianMs: help, note: "the CLI's start-up alone" },
  ];
}

/** The median over fresh processes of the first loadPipeline of `file`, timed inside the process. */
function coldLoads(file: string, runs: number): number {
  const script = [
    `import { readFileSync } from "node:fs";`,
    `import { createDefaultRegistry } from ${JSON.stringify(join(root, "resource-types/index.ts"))};`,
    `import { loadPipeline } from ${JSON.stringify(join(root, "src/pipeline/index.ts"))};`,
    `const text = readFileSync(${JSON.stringify(file)}, "utf8");`,
    `const registry = createDefaultRegistry();`,
    `const t0 = performance.now();`,
    `const result = loadPipeline(text, { registry });`,
    `const ms = performance.now() - t0;`,
    `if (result.problems.length > 0) throw new Error(result.problems[0].message);`,
    `process.stdout.write(String(ms));`,
  ].join("\n");
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cold load failed: ${r.stderr}`);
    times.push(Number(r.stdout));
  }
  return middle(times);
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// `node bench/runner.ts` prints these rows alone
if (import.meta.main) {
  const { markdownTable } = await import("./lib.ts");
  console.log(markdownTable(await runnerBenchRows(Number(process.env.BENCH_RUNS ?? 5))));
}

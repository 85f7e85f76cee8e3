/**
 * Orchestra rows for `npm run bench`: the per-task overhead of each driver for
 * `true` (runContainer, logs followed to the end, status, cleanup: what the
 * build engine does per task), each interleaved run by run with its reference:
 * - native against a bare Node spawn of /bin/true (goal: under 10 ms);
 * - docker against `docker run --rm` of the same image (goal: within 1.2x),
 *   plus 50 tasks at once, all of which must end with their own exit code;
 * - k8s against its HTTP API fake only: a loopback server running host
 *   processes, so the figure says nothing about a cluster.
 * Docker rows are skipped with the reason printed when no engine answers.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { dockerProbe } from "../images/lib.ts";
import { createDriver, type Driver, type Task } from "../src/orchestra/index.ts";
import type { NativeDriver } from "../src/orchestra/native/index.ts";
import { ensureShellImage, TEST_SHELL_IMAGE } from "../test/orchestra/docker-target.ts";
import { FAKE_SHELL_IMAGE } from "../test/orchestra/k8s-target.ts";
import { startK8sFake } from "../test/orchestra/k8s-fake/index.ts";
import type { BenchRow } from "./lib.ts";

const DOCKER_RUNS = Number(process.env.BENCH_ORCHESTRA_DOCKER_RUNS ?? 20);
const CONCURRENT = 50;

export interface Measured {
  /** median wall time, ms */
  wall: number;
  /** median CPU time of this process (user + system, all its threads, background work included), ms: what load does not inflate */
  cpu: number;
}

/** What is measured: `run` is timed; `settle` (untimed, but its CPU counted) waits for work `run` left in the background. */
export type Measurement = (() => Promise<unknown>) | { run: () => Promise<unknown>; settle: () => Promise<unknown> };

/**
 * Medians of several measurements taken in turns (a, b, a, b...; the order flips
 * every round), so a load spike on this shared machine hits all of them alike.
 * Background work is settled before the next measurement starts, so it is
 * charged to the measurement that left it, never to its neighbour.
 */
export async function interleavedMedians(runs: number, fns: Record<string, Measurement>, warmup = 2): Promise<Record<string, Measured>> {
  const names = Object.keys(fns);
  const wall = new Map(names.map((n) => [n, [] as number[]]));
  const cpu = new Map(names.map((n) => [n, [] as number[]]));
  for (let round = -warmup; round < runs; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const fn = fns[name]!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await (typeof fn === "function" ? fn() : fn.run());
      const t = performance.now() - t0;
      if (typeof fn !== "function") await fn.settle();
      const c = process.cpuUsage(c0);
      if (round < 0) continue;
      wall.get(name)!.push(t);
      cpu.get(name)!.push((c.user + c.system) / 1000);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { wall: middle(wall.get(n)!), cpu: middle(cpu.get(n)!) }]));
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One task through the driver as the build engine runs it; fails unless it ends with `expected`. */
async function runTask(driver: Driver, task: Task, expected = 0): Promise<void> {
  const container = await driver.runContainer(task);
  try {
    await container.logs(
      () => undefined,
      () => undefined,
      { follow: true },
    );
    const status = await container.status();
    if (!status.isDone || status.exitCode !== expected) {
      throw new Error(`${driver.name} task ${task.id}: expected exit ${expected}, got ${JSON.stringify(status)}`);
    }
  } finally {
    await container.cleanup();
  }
}

function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/true", [], { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`/bin/true exited ${code}`))));
  });
}

const execFileAsync = promisify(execFile);
const times = (ms: number, reference: number, what: string) => `${(ms / reference).toFixed(2)}x ${what}`;
const cpuNote = (m: Measured) => `CPU ${m.cpu.toFixed(2)} ms`;

async function nativeRows(runs: number): Promise<BenchRow[]> {
  const root = await mkdtemp(join(tmpdir(), "jetway-bench-native-"));
  const driver = (await createDriver(`native?root=${encodeURIComponent(root)}`, { namespace: "bench" })) as NativeDriver;
  // cleanup leaves the working dir's removal running in the background: waited for, untimed, CPU counted
  const settle = () => driver.removalsSettled();
  let n = 0;
  try {
    const limited = { cpu: 512, memory: 1024 ** 3 };
    const m = await interleavedMedians(runs, {
      bare: spawnTrue,
      driver: { run: () => runTask(driver, { id: `t${n++}`, image: "", command: ["true"] }), settle },
      limits: { run: () => runTask(driver, { id: `t${n++}`, image: "", command: ["true"], limits: limited }), settle },
    });
    const { bare, driver: task, limits } = m as Record<"bare" | "driver" | "limits", Measured>;
    return [
      { name: "orchestra: bare Node spawn of /bin/true", medianMs: bare.wall, note: `the reference for the native driver; ${cpuNote(bare)}` },
      {
        name: "orchestra native: task `true`, per task",
        medianMs: task.wall,
        note: `${times(task.wall, bare.wall, "the bare spawn")}; ${cpuNote(task)} (${times(task.cpu, bare.cpu, "the spawn's")}); goal < 10 ms`,
      },
      {
        name: "orchestra native: the same with cpu and memory limits",
        medianMs: limits.wall,
        note: `${times(limits.wall, bare.wall, "the bare spawn")}; ${cpuNote(limits)}; nice and prlimit wrappers`,
      },
    ];
  } finally {
    await driver.close();
    await rm(root, { recursive: true, force: true });
  }
}

async function dockerRows(): Promise<BenchRow[]> {
  const engine = await dockerProbe();
  if (engine !== true) {
    console.error(`orchestra docker benchmarks skipped: ${engine}`);
    return [];
  }
  await ensureShellImage();
  const driver = await createDriver("docker", { namespace: `bench-${process.pid}` });
  let n = 0;
  try {
    const m = await interleavedMedians(
      DOCKER_RUNS,
      {
        bare: () => execFileAsync("docker", ["run", "--rm", TEST_SHELL_IMAGE, "true"]),
        driver: () => runTask(driver, { id: `t${n++}`, image: TEST_SHELL_IMAGE, command: ["true"] }),
      },
      1,
    );
    const t0 = performance.now();
    // exit codes 0..6, so a task reporting another task's code is caught
    await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        runTask(driver, { id: `c${i}`, image: TEST_SHELL_IMAGE, command: ["sh", "-c", `exit ${i % 7}`] }, i % 7),
      ),
    );
    const concurrent = performance.now() - t0;
    const { bare, driver: task } = m as Record<"bare" | "driver", Measured>;
    return [
      { name: "orchestra: docker run --rm IMG true (CLI)", medianMs: bare.wall, note: `the reference for the docker driver; ${TEST_SHELL_IMAGE}` },
      { name: "orchestra docker: task `true`, per task", medianMs: task.wall, note: `${times(task.wall, bare.wall, "docker run --rm")}; goal <= 1.2x` },
      { name: `orchestra docker: ${CONCURRENT} tasks at once (wall time)`, medianMs: concurrent, note: `all ${CONCURRENT} ended with their own exit code (0..6)` },
    ];
  } finally {
    await driver.close();
  }
}

async function k8sFakeRows(runs: number): Promise<BenchRow[]> {
  const fake = await startK8sFake({ namespaces: ["jetway-bench"], images: [FAKE_SHELL_IMAGE] });
  const driver = await createDriver(`k8s://jetway-bench?kubeconfig=${encodeURIComponent(fake.kubeconfigPath)}`, { namespace: "bench" });
  let n = 0;
  try {
    const m = await interleavedMedians(runs, { driver: () => runTask(driver, { id: `t${n++}`, image: FAKE_SHELL_IMAGE, command: ["true"] }) });
    if (fake.unexpected.length > 0) throw new Error(`the k8s fake got requests it does not serve: ${fake.unexpected.join("; ")}`);
    return [
      {
        name: "orchestra k8s against its API FAKE: task `true`, per task",
        medianMs: m.driver!.wall,
        note: "a loopback fake running host processes, not a cluster: the driver's own request and polling cost only",
      },
    ];
  } finally {
    await driver.close();
    await fake.close();
  }
}

export async function orchestraBenchRows(runs: number): Promise<BenchRow[]> {
  return [...(await nativeRows(runs)), ...(await dockerRows()), ...(await k8sFakeRows(runs))];
}

if (import.meta.main) {
  const { markdownTable } = await import("./lib.ts");
  const parts = (process.env.BENCH_ORCHESTRA_PARTS ?? "native,docker,k8s").split(",");
  const runs = Number(process.env.BENCH_RUNS ?? 20);
  const rows = [
    ...(parts.includes("native") ? await nativeRows(runs) : []),
    ...(parts.includes("docker") ? await dockerRows() : []),
    ...(parts.includes("k8s") ? await k8sFakeRows(runs) : []),
  ];
  console.log(markdownTable(rows));
}

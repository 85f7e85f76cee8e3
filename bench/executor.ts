/**
 * Rows for the resource executor (issue 8), on the docker driver: one time
 * check and one git check (a small generated repository served by git
 * http-backend) run in-process, with the type's bundle mounted into a node
 * container, and in the type's own image, interleaved so load drifts hit all
 * alike; then checks per second for 200 native time resources checked at once.
 *
 * Containers reach the host's git server through a forwarder on the docker
 * bridge's gateway (the server itself listens on loopback only); every
 * contender uses that same URL. BENCH_EXECUTOR_RUNS (default 10) sets the
 * runs per contender: each container costs about a second here.
 */
import { createServer, connect, type Server } from "node:net";
import { basename, dirname } from "node:path";
import { createDefaultRegistry } from "../resource-types/index.ts";
import { docker } from "../images/lib.ts";
import { NativeFirstExecutor, type DeliveryChoice } from "../src/executor/index.ts";
import { createDriver } from "../src/orchestra/index.ts";
import type { Driver } from "../src/orchestra/types.ts";
import { makeGeneratedRepo, startGitHttpServer } from "../test/support/git-servers.ts";
import type { BenchRow } from "./lib.ts";

type Contender = { name: string; delivery: DeliveryChoice; native?: false };

const CONTENDERS: Contender[] = [
  { name: "in-process", delivery: "in-process" },
  { name: "mounted", delivery: "mounted" },
  { name: "image", delivery: "auto", native: false },
];

function middle(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  const m = Math.floor(t.length / 2);
  return t.length % 2 ? t[m]! : (t[m - 1]! + t[m]!) / 2;
}

/** Each contender once per round (after one warm-up each), the medians per contender. */
async function interleaved(runs: number, fns: (() => Promise<unknown>)[]): Promise<number[]> {
  for (const fn of fns) await fn();
  const times: number[][] = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      times[k]!.push(performance.now() - t0);
    }
  }
  return times.map(middle);
}

/** A TCP forwarder from `host` (reachable from containers) to a loopback port. */
async function forward(host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    const upstream = connect(port, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on("error", close);
    upstream.on("error", close);
  });
  await new Promise<void>((resolve, reject) => server.listen(0, host, resolve).once("error", reject));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("forwarder has no port");
  return { server, port: address.port };
}

async function bridgeGateway(): Promise<string> {
  const info = (await docker().getNetwork("bridge").inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } };
  const gateway = info.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
  if (gateway === undefined) throw new Error("the docker bridge network has no gateway");
  return gateway;
}

export async function executorBenchRows(runs = Number(process.env.BENCH_EXECUTOR_RUNS ?? 10)): Promise<BenchRow[]> {
  const registry = createDefaultRegistry();
  const driver: Driver = await createDriver("docker", { namespace: `bench-executor-${process.pid}` });
  const repo = makeGeneratedRepo({ commits: 20, files: 10 });
  const gitServer = await startGitHttpServer({ root: dirname(repo) });
  const gateway = await bridgeGateway();
  const forwarder = await forward(gateway, gitServer.port);
  const rows: BenchRow[] = [];
  try {
    const executors = CONTENDERS.map((c) => ({ c, executor: new NativeFirstExecutor({ registry, delivery: c.delivery }) }));
    const check = (executor: NativeFirstExecutor, c: Contender, type: string, source: Record<string, unknown>) => async () => {
      const result = await executor.run(
        { op: "check", resourceName: `bench-${type}`, type, request: { source }, env: {}, stderr: () => undefined, ...(c.native !== undefined && { native: c.native }) },
        driver,
      );
      if (!Array.isArray(result.response) || result.response.length === 0) throw new Error(`${type} check via ${c.name} returned no version`);
    };
    const gitUri = `http://${gateway}:${forwarder.port}/${basename(repo)}`;
    for (const [type, source] of [
      ["time", { interval: "1m" }],
      ["git", { uri: gitUri, branch: "main" }],
    ] as const) {
      const medians = await interleaved(
        runs,
        executors.map(({ c, executor }) => check(executor, c, type, source)),
      );
      const image = `executor: ${type} check, image (docker)`;
      for (const [k, { c }] of executors.entries()) {
        const name = `executor: ${type} check, ${c.name} (docker)`;
        rows.push({ name, medianMs: medians[k]!, ...(name !== image && { baseline: image }), note: `median of ${runs}, interleaved` });
      }
    }

    // 200 time resources of one pipeline, each with a source of its own, checked at once in-process
    const inProcess = executors[0]!;
    const batch = async () => {
      await Promise.all(Array.from({ length: 200 }, (_, i) => check(inProcess.executor, inProcess.c, "time", { interval: `${i + 1}m` })()));
    };
    const [batchMs] = await interleaved(runs, [batch]);
    rows.push({ name: "executor: 200 time checks at once, in-process", medianMs: batchMs!, note: `${Math.round(200 / (batchMs! / 1000))} checks/s` });
  } finally {
    forwarder.server.close();
    await gitServer.close();
    await driver.close();
  }
  return rows;
}

if (import.meta.main) {
  const { markdownTable } = await import("./lib.ts");
  console.log(markdownTable(await executorBenchRows()));
}

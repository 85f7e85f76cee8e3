/**
 * Image rows for `npm run bench` (bench/run.ts loads this module only when asked):
 * image sizes (total and the layer unique to each type), and a cold container
 * running a check (`docker run --rm -i IMG /opt/resource/check`, a fresh container
 * per run, image already local) against the same check in-process.
 *
 * Needs a Docker engine and built images (`npm run images`); throws otherwise, which
 * bench/run.ts reports as "image benchmarks skipped".
 */
import { spawnSync } from "node:child_process";
import { runOperation } from "../src/protocol/entry.ts";
import { createDefaultRegistry } from "../resource-types/index.ts";
import { docker, dockerProbe, imageRef, imageTypes, runContainer } from "../images/lib.ts";
import { loadFixtures } from "../test/golden/harness.ts";
import { median, type BenchRow } from "./lib.ts";

const RUNS = Number(process.env.BENCH_IMAGE_RUNS ?? 10);
const TIME_REQUEST = JSON.stringify({ source: { interval: "1m" } });
const MB = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 10e6 ? 2 : 1)} MB`;

/** A check request for `type` that needs no templates and succeeds. */
function checkRequest(type: string): string | undefined {
  if (type === "time") return TIME_REQUEST;
  for (const { fixture } of loadFixtures([type])) {
    if (fixture.op !== "check" || fixture.expect.exitCode !== 0 || fixture.env) continue;
    const stdin = fixture.stdin ?? JSON.stringify(fixture.request ?? {});
    if (!stdin.includes("{{")) return stdin;
  }
  return undefined;
}

function dockerRun(args: string[], input: string): void {
  const r = spawnSync("docker", ["run", "--rm", "-i", ...args], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`docker run ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
}

async function sizes(type: string): Promise<{ total: number; unique: number; base: string }> {
  const image = docker().getImage(imageRef(type));
  const info = await image.inspect();
  const base = info.Config.Labels?.["org.opencontainers.image.base.name"] ?? "?";
  const history = (await image.history()) as Array<{ Size: number }>;
  const baseEntries = base === "?" ? history.length - 1 : ((await docker().getImage(base).history()) as unknown[]).length;
  const unique = history.slice(0, history.length - baseEntries).reduce((n, h) => n + h.Size, 0);
  return { total: info.Size, unique, base };
}

export async function imageBenchRows(): Promise<BenchRow[]> {
  const engine = await dockerProbe();
  if (engine !== true) throw new Error(engine);
  const rows: BenchRow[] = [];

  const registry = createDefaultRegistry();
  const inProcess = await median(RUNS * 10, () =>
    runOperation(registry.get("time"), "check", [], { stdin: TIME_REQUEST, env: {}, writeStdout: () => undefined, writeStderr: () => undefined }),
  );
  const ratio = (ms: number) => `${Math.round(ms / inProcess)}x the in-process check (${inProcess.toFixed(3)} ms)`;

  for (const type of imageTypes()) {
    const ref = imageRef(type);
    const s = await sizes(type);
    const request = checkRequest(type);
    const sizeNote = `image ${MB(s.total)}, own layer ${MB(s.unique)} on ${s.base}`;
    if (!request) {
      rows.push({ name: `image ${type}: size only (no template-free check fixture)`, medianMs: Number.NaN, note: sizeNote });
      continue;
    }
    const cold = await median(RUNS, () => dockerRun([ref, "/opt/resource/check"], request), 1);
    rows.push({ name: `image ${type}: cold docker run --rm -i IMG /opt/resource/check`, medianMs: cold, note: `${sizeNote}; ${type === "time" ? ratio(cold) : "default bridge network"}` });
    if (type !== "time") continue;
    const host = await median(RUNS, () => dockerRun(["--network", "host", ref, "/opt/resource/check"], request), 1);
    rows.push({ name: "image time: the same with --network host", medianMs: host, note: ratio(host) });
    const api = await median(RUNS, () => runContainer({ image: ref, entrypoint: ["/opt/resource/check"], stdin: request, network: "host" }), 1);
    rows.push({ name: "image time: the same through dockerode (golden image path)", medianMs: api, note: ratio(api) });
    const floor = await median(RUNS, () => dockerRun(["--network", "host", "--entrypoint", "/usr/local/bin/node", ref, "-e", "0"], ""), 1);
    rows.push({ name: "image time: docker run --network host IMG node -e 0", medianMs: floor, note: "container + node start-up floor" });
  }
  return rows;
}

if (import.meta.main) {
  const { markdownTable } = await import("./lib.ts");
  console.log(markdownTable(await imageBenchRows()));
}

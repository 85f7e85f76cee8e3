/**
 * npm run bench: every benchmark side by side in one run, as a markdown table.
 * Ratios, not absolute times, are the figures to quote: these machines are noisy.
 */
import { markdownTable, type BenchRow } from "./lib.ts";
import { protocolRows } from "./protocol.ts";

const runs = Number(process.env.BENCH_RUNS ?? 30);
const rows: BenchRow[] = [...(await protocolRows(runs))];

try {
  const { gitBenchRows } = await import("./git.ts");
  rows.push(...(await gitBenchRows(runs, Number(process.env.BENCH_GIT_COMMITS ?? 5000))));
} catch (e) {
  console.error(`git benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

try {
  // needs the test RGW (.ci/services/ceph.sh); fills its bench bucket on the first run only
  const { s3BenchRows } = await import("./s3.ts");
  rows.push(...(await s3BenchRows(runs, Number(process.env.BENCH_S3_KEYS ?? 100_000))));
} catch (e) {
  console.error(`s3 benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

try {
  // in and out of a 200 MiB object, against the raw SDK calls
  const { s3TransferBenchRows } = await import("./s3-transfer.ts");
  rows.push(...(await s3TransferBenchRows(Math.max(3, Math.floor(runs / 6)), Number(process.env.BENCH_S3_MB ?? 200))));
} catch (e) {
  console.error(`s3 transfer benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

try {
  // native and k8s-fake rows always; docker rows skip with the reason printed when no engine answers
  const { orchestraBenchRows } = await import("./orchestra.ts");
  rows.push(...(await orchestraBenchRows(runs)));
} catch (e) {
  console.error(`orchestra benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

try {
  // scheduler overhead on 100 chained jobs, and validate of a 2,000-line pipeline
  const { runnerBenchRows } = await import("./runner.ts");
  rows.push(...(await runnerBenchRows(runs)));
} catch (e) {
  console.error(`runner benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

try {
  // image rows need a Docker engine; the module is loaded only when asked for
  const imagesModule = "./images.ts";
  const { imageBenchRows } = (await import(imagesModule)) as { imageBenchRows(): Promise<BenchRow[]> };
  rows.push(...(await imageBenchRows()));
} catch (e) {
  console.error(`image benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

try {
  // the resource executor on the docker driver: in-process vs mounted vs image (BENCH_EXECUTOR_RUNS, default 10)
  const { executorBenchRows } = await import("./executor.ts");
  rows.push(...(await executorBenchRows()));
} catch (e) {
  console.error(`executor benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

console.log(`\n### jetway benchmarks (median of ${runs} runs; node ${process.version})\n`);
console.log(markdownTable(rows));

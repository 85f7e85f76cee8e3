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
  // image rows need a Docker engine; the module is loaded only when asked for
  const imagesModule = "./images.ts";
  const { imageBenchRows } = (await import(imagesModule)) as { imageBenchRows(): Promise<BenchRow[]> };
  rows.push(...(await imageBenchRows()));
} catch (e) {
  console.error(`image benchmarks skipped: ${e instanceof Error ? e.message : String(e)}`);
}

console.log(`\n### jetway benchmarks (median of ${runs} runs; node ${process.version})\n`);
console.log(markdownTable(rows));

/** Side-by-side measurements: medians of N runs, printed as one markdown table. */

export interface BenchRow {
  name: string;
  medianMs: number;
  /** the row this one is compared against, by name */
  baseline?: string;
  note?: string;
}

export async function median(runs: number, fn: () => Promise<unknown> | unknown, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(4);
}

export function markdownTable(rows: BenchRow[]): string {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const lines = ["| benchmark | median (ms) | vs baseline | note |", "|---|---:|---:|---|"];
  for (const r of rows) {
    const base = r.baseline ? byName.get(r.baseline) : undefined;
    const ratio = base ? `${(base.medianMs / r.medianMs).toFixed(1)}x faster than ${base.name}` : "";
    lines.push(`| ${r.name} | ${fmt(r.medianMs)} | ${ratio} | ${r.note ?? ""} |`);
  }
  return lines.join("\n");
}

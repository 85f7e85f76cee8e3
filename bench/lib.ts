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

/** Medians of two contenders run alternately (after one warm-up each), so load drifts hit both alike. */
export async function medianPair(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [fn, into] of [[a, ta], [b, tb]] as const) {
      const t0 = performance.now();
      await fn();
      into.push(performance.now() - t0);
    }
  }
  const mid = (t: number[]) => {
    t.sort((x, y) => x - y);
    const m = Math.floor(t.length / 2);
    return t.length % 2 ? t[m]! : (t[m - 1]! + t[m]!) / 2;
  };
  return [mid(ta), mid(tb)];
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

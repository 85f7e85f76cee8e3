/** The table printed when a run ends: one row per build it ran, and per job it did not run, with why. */
import { formatDuration, type Style } from "./style.ts";

export interface SummaryRow {
  job: string;
  /** the build's number; absent for a job that did not run */
  number?: number;
  /** a build status, or "not run" */
  status: string;
  durationMs?: number;
  note?: string;
}

export function summaryTable(rows: readonly SummaryRow[], style: Style): string[] {
  const cells = rows.map((r) => [r.job, r.number === undefined ? "-" : `#${r.number}`, r.status, r.durationMs === undefined ? "" : formatDuration(r.durationMs), r.note ?? ""]);
  const header = ["job", "build", "status", "duration", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const pad = (text: string, i: number) => text.padEnd(widths[i]!);
  const render = (c: string[], colour: (i: number, text: string) => string) =>
    c
      .map((text, i) => (i === c.length - 1 ? text : colour(i, pad(text, i))))
      .join("  ")
      .trimEnd();
  const lines = [render(header, (_i, t) => style.bold(t))];
  cells.forEach((c, row) => lines.push(render(c, (i, t) => (i === 0 ? style.job(rows[row]!.job, t) : i === 2 ? style.status(rows[row]!.status, t) : t))));
  return lines;
}

import { JetwayError } from "../../protocol/errors.ts";
import { buildLabel, formatDuration, makeStyle, wantsColor } from "../../runner/output/index.ts";
import { StateStore, type BuildRow } from "../../state/index.ts";
import { BUILDS_HELP } from "../help.ts";
import type { CliIO } from "../io.ts";
import { takeOption } from "./run.ts";

/** `jetway builds [--state DIR] [--job NAME] [--pipeline NAME] [-n COUNT]`: newest first. */
export async function buildsCommand(args: string[], io: CliIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(BUILDS_HELP + "\n");
    return 0;
  }
  const state = takeOption(args, ["--state"], "builds");
  const job = takeOption(state.rest, ["--job", "-j"], "builds");
  const pipeline = takeOption(job.rest, ["--pipeline", "-p"], "builds");
  const count = takeOption(pipeline.rest, ["--count", "-n"], "builds");
  if (count.rest.length > 0) throw new JetwayError("USAGE", `builds: unexpected ${JSON.stringify(count.rest[0])}; see jetway builds --help`);
  const limit = count.value === undefined ? 50 : Number(count.value);
  if (!Number.isInteger(limit) || limit <= 0) throw new JetwayError("USAGE", `builds: --count must be a positive whole number (got ${JSON.stringify(count.value)})`);

  const store = StateStore.openExisting(state.value);
  let rows: BuildRow[];
  try {
    rows = store.builds.list({ ...(job.value !== undefined && { job: job.value }), ...(pipeline.value !== undefined && { pipeline: pipeline.value }), limit });
  } finally {
    store.close();
  }
  if (rows.length === 0) {
    io.stdout("no builds\n");
    return 0;
  }
  const style = makeStyle(wantsColor(process.stdout.isTTY === true, io.env));
  const now = Date.now();
  const cells = rows.map((b) => [
    b.pipeline,
    buildLabel(b.job, b.number),
    b.status,
    new Date(b.startedAt).toISOString().replace("T", " ").slice(0, 19),
    formatDuration((b.endedAt ?? now) - b.startedAt),
    b.status === "started" ? `pid ${b.pid} on ${b.host}` : (b.detail ?? ""),
  ]);
  const header = ["pipeline", "build", "status", "started (UTC)", "duration", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[], colour: (i: number, t: string) => string) =>
    c
      .map((t, i) => (i === c.length - 1 ? t : colour(i, t.padEnd(widths[i]!))))
      .join("  ")
      .trimEnd();
  io.stdout(line(header, (_i, t) => style.bold(t)) + "\n");
  cells.forEach((c, r) => io.stdout(line(c, (i, t) => (i === 1 ? style.job(rows[r]!.job, t) : i === 2 ? style.status(rows[r]!.status, t) : t)) + "\n"));
  return 0;
}

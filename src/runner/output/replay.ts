/**
 * A stored build as text, for `jetway logs`: the same lines the live output
 * printed (steps starting and ending, log lines prefixed by their step), from
 * the steps and log chunks in the order they happened.
 */
import { canonicalVersion, type BuildInputRow, type BuildRow, type LogRow, type StepRow } from "../../state/index.ts";
import { LineSplitter } from "./lines.ts";
import { buildLabel, formatDuration, type Style } from "./style.ts";

const LEAF_KINDS = new Set(["get", "put", "task", "load_var", "set_pipeline"]);

export interface StoredBuild {
  build: BuildRow;
  inputs: readonly BuildInputRow[];
  steps: readonly StepRow[];
  logs: readonly LogRow[];
}

/** `color`: false takes colour codes out of log lines, as the live output does without colours. */
export function replayBuild(stored: StoredBuild, style: Style, color = false): string[] {
  const { build } = stored;
  const prefix = style.job(build.job, buildLabel(build.job, build.number));
  const out: string[] = [];
  const inputs = stored.inputs.map((i) => `${i.name} ${canonicalVersion(i.version.version)}`).join(", ");
  out.push(`${prefix} ${style.bold("started")} (${build.manual ? "manual" : "scheduled"}) ${new Date(build.startedAt).toISOString()}${inputs ? `: ${inputs}` : ""}`);

  type Event = { seq: number; line?: () => void };
  const events: Event[] = [];
  const title = (s: StepRow) => `${s.kind} ${s.name}${s.attempt > 0 ? ` (attempt ${s.attempt})` : ""}`;
  const splitters = new Map<string, { step: StepRow; lines: LineSplitter }>();
  const stepOf = (log: LogRow) => stored.steps.find((s) => s.stepId === log.stepId && s.attempt === log.attempt);
  const print = (step: StepRow | undefined, stepId: string, line: string) =>
    out.push(`${prefix} ${style.bold(step?.name ?? stepId)} ${style.dim("|")} ${color ? line : line.replace(/\x1b\[[0-9;]*m/g, "")}`);
  const flush = (key: string) => {
    const s = splitters.get(key);
    if (s === undefined) return;
    splitters.delete(key);
    for (const line of s.lines.flush()) print(s.step, s.step.stepId, line);
  };

  for (const step of stored.steps) {
    if (!LEAF_KINDS.has(step.kind)) continue;
    if (step.startedAt !== undefined) events.push({ seq: step.seq, line: () => out.push(`${prefix} ${title(step)}`) });
    if (step.endSeq !== undefined || step.status !== "started") {
      events.push({
        seq: step.endSeq ?? Number.MAX_SAFE_INTEGER,
        line: () => {
          for (const stream of ["stdout", "stderr"]) flush(`${step.stepId}\u0000${step.attempt}\u0000${stream}`);
          const took = step.startedAt !== undefined && step.endedAt !== undefined ? ` (${formatDuration(step.endedAt - step.startedAt)})` : "";
          out.push(`${prefix} ${title(step)}: ${style.status(step.status, step.status)}${step.detail ? ` ${style.dim("-")} ${step.detail}` : ""}${took}`);
        },
      });
    }
  }
  for (const log of stored.logs) {
    events.push({
      seq: log.seq,
      line: () => {
        const key = `${log.stepId}\u0000${log.attempt}\u0000${log.stream}`;
        let s = splitters.get(key);
        if (s === undefined) {
          const step = stepOf(log) ?? { stepId: log.stepId, attempt: log.attempt, kind: "", name: log.stepId, status: "started", startedAt: undefined, endedAt: undefined, detail: undefined, seq: log.seq, endSeq: undefined };
          splitters.set(key, (s = { step, lines: new LineSplitter() }));
        }
        for (const line of s.lines.push(log.text)) print(s.step, log.stepId, line);
      },
    });
  }
  events.sort((a, b) => a.seq - b.seq);
  for (const e of events) e.line?.();
  for (const key of [...splitters.keys()]) flush(key);

  const took = build.endedAt === undefined ? "" : ` in ${formatDuration(build.endedAt - build.startedAt)}`;
  const detail = build.detail ? `: ${build.detail}` : "";
  out.push(`${prefix} ${style.status(build.status, build.status)}${took}${detail}`);
  return out;
}

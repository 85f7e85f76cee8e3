/** Builds: their claim, inputs and outputs (what `passed` reads), steps and logs. */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { toStoredVersion, type StoredVersion } from "./versions.ts";

export type BuildState = "started" | "succeeded" | "failed" | "errored" | "aborted";
export type StepState = BuildState | "skipped";
export type LogStream = "stdout" | "stderr";

export interface BuildRow {
  id: number;
  pipeline: string;
  job: string;
  number: number;
  status: BuildState;
  manual: boolean;
  startedAt: number;
  endedAt: number | undefined;
  detail: string | undefined;
  /** the process that ran (or runs) it */
  pid: number;
  host: string;
}

export interface StepRow {
  stepId: string;
  attempt: number;
  kind: string;
  name: string;
  status: StepState;
  startedAt: number | undefined;
  endedAt: number | undefined;
  detail: string | undefined;
  seq: number;
  endSeq: number | undefined;
}

export interface LogRow {
  seq: number;
  stepId: string;
  attempt: number;
  stream: LogStream;
  text: string;
  at: number;
}

export interface BuildInputRow {
  name: string;
  resource: string;
  version: StoredVersion;
}

export interface NewBuild {
  pipelineId: number;
  job: string;
  runId: number;
  manual: boolean;
  inputs: readonly { name: string; versionId: number }[];
}

interface RawBuild {
  id: number;
  pipeline: string;
  job: string;
  number: number;
  status: BuildState;
  manual: number;
  started_at: number;
  ended_at: number | null;
  detail: string | null;
  pid: number;
  host: string;
}

const BUILD_COLUMNS = `b.id, p.name AS pipeline, b.job, b.number, b.status, b.manual, b.started_at, b.ended_at, b.detail, r.pid, r.host
  FROM builds b JOIN pipelines p ON p.id = b.pipeline_id JOIN runs r ON r.id = b.run_id`;

function toBuild(row: RawBuild): BuildRow {
  return {
    id: row.id,
    pipeline: row.pipeline,
    job: row.job,
    number: row.number,
    status: row.status,
    manual: row.manual === 1,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    detail: row.detail ?? undefined,
    pid: row.pid,
    host: row.host,
  };
}

export class BuildStore {
  readonly #db: DatabaseSync;
  readonly #stepStart: StatementSync;
  readonly #stepEnd: StatementSync;
  readonly #log: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#stepStart = db.prepare(
      `INSERT INTO steps (build_id, step_id, attempt, kind, name, status, started_at, seq) VALUES (?, ?, ?, ?, ?, 'started', ?, ?)
       ON CONFLICT (build_id, step_id, attempt) DO UPDATE SET status = 'started', started_at = excluded.started_at, seq = excluded.seq, ended_at = NULL, detail = NULL, end_seq = NULL`,
    );
    // a skipped step is reported only when it finishes: insert it then
    this.#stepEnd = db.prepare(
      `INSERT INTO steps (build_id, step_id, attempt, kind, name, status, ended_at, detail, seq, end_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (build_id, step_id, attempt) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, detail = excluded.detail, end_seq = excluded.end_seq`,
    );
    this.#log = db.prepare("INSERT INTO logs (build_id, seq, step_id, attempt, stream, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  }

  /** Inserts a started build with the next number of its job. Call inside the claim's immediate transaction. */
  create(build: NewBuild, at: number = Date.now()): { id: number; number: number } {
    const next = this.#db.prepare("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM builds WHERE pipeline_id = ? AND job = ?").get(build.pipelineId, build.job) as { n: number };
    const r = this.#db
      .prepare("INSERT INTO builds (pipeline_id, job, number, status, manual, run_id, started_at) VALUES (?, ?, ?, 'started', ?, ?, ?)")
      .run(build.pipelineId, build.job, next.n, build.manual ? 1 : 0, build.runId, at);
    const id = Number(r.lastInsertRowid);
    const input = this.#db.prepare("INSERT OR IGNORE INTO build_inputs (build_id, name, version_id) VALUES (?, ?, ?)");
    for (const i of build.inputs) input.run(id, i.name, i.versionId);
    return { id, number: next.n };
  }

  finish(buildId: number, status: Exclude<BuildState, "started">, detail: string | undefined, at: number = Date.now()): void {
    this.#db.prepare("UPDATE builds SET status = ?, detail = ?, ended_at = ? WHERE id = ? AND status = 'started'").run(status, detail ?? null, at, buildId);
  }

  /** A version a get fetched that was not a resolved input (a get inside across, a pinned get): kept as an input. */
  addInput(buildId: number, name: string, versionId: number): void {
    this.#db.prepare("INSERT OR IGNORE INTO build_inputs (build_id, name, version_id) VALUES (?, ?, ?)").run(buildId, name, versionId);
  }

  addOutput(buildId: number, versionId: number): void {
    this.#db.prepare("INSERT OR IGNORE INTO build_outputs (build_id, version_id) VALUES (?, ?)").run(buildId, versionId);
  }

  stepStarted(buildId: number, step: { id: string; attempt: number; kind: string; name: string }, seq: number, at: number = Date.now()): void {
    this.#stepStart.run(buildId, step.id, step.attempt, step.kind, step.name, at, seq);
  }

  stepFinished(buildId: number, step: { id: string; attempt: number; kind: string; name: string }, status: Exclude<StepState, "started">, detail: string | undefined, seq: number, at: number = Date.now()): void {
    this.#stepEnd.run(buildId, step.id, step.attempt, step.kind, step.name, status, at, detail ?? null, seq, seq);
  }

  log(buildId: number, seq: number, step: { id: string; attempt: number }, stream: LogStream, text: string, at: number = Date.now()): void {
    this.#log.run(buildId, seq, step.id, step.attempt, stream, text, at);
  }

  /** Builds of the job (any status) that are started, across every process. */
  countStarted(pipelineId: number, jobs: readonly string[]): number {
    if (jobs.length === 0) return 0;
    const marks = jobs.map(() => "?").join(", ");
    const row = this.#db.prepare(`SELECT COUNT(*) AS n FROM builds WHERE pipeline_id = ? AND status = 'started' AND job IN (${marks})`).get(pipelineId, ...jobs) as { n: number };
    return row.n;
  }

  hasBuilds(pipelineId: number, job: string): boolean {
    return this.#db.prepare("SELECT 1 FROM builds WHERE pipeline_id = ? AND job = ? LIMIT 1").get(pipelineId, job) !== undefined;
  }

  /**
   * For `passed`: version id -> the succeeded builds of `job` that had that
   * version of the resource as an input or an output (as Concourse's
   * successful build outputs).
   */
  passedBuilds(pipelineId: number, job: string, resourceId: number): Map<number, number[]> {
    const rows = this.#db
      .prepare(
        `SELECT io.version_id AS v, b.id AS b FROM builds b
         JOIN (SELECT build_id, version_id FROM build_inputs UNION SELECT build_id, version_id FROM build_outputs) io ON io.build_id = b.id
         JOIN resource_versions rv ON rv.id = io.version_id
         WHERE b.pipeline_id = ? AND b.job = ? AND b.status = 'succeeded' AND rv.resource_id = ?
         ORDER BY b.id`,
      )
      .all(pipelineId, job, resourceId) as { v: number; b: number }[];
    const out = new Map<number, number[]>();
    for (const { v, b } of rows) {
      const list = out.get(v);
      if (list === undefined) out.set(v, [b]);
      else list.push(b);
    }
    return out;
  }

  /** Version ids every earlier build of the job used for this input, and the one its latest such build used. */
  usedVersions(pipelineId: number, job: string, inputName: string): { all: Set<number>; last: number | undefined } {
    const rows = this.#db
      .prepare(
        `SELECT bi.version_id AS v FROM build_inputs bi JOIN builds b ON b.id = bi.build_id
         WHERE b.pipeline_id = ? AND b.job = ? AND bi.name = ? ORDER BY b.id`,
      )
      .all(pipelineId, job, inputName) as { v: number }[];
    return { all: new Set(rows.map((r) => r.v)), last: rows.at(-1)?.v };
  }

  get(buildId: number): BuildRow | undefined {
    const row = this.#db.prepare(`SELECT ${BUILD_COLUMNS} WHERE b.id = ?`).get(buildId) as RawBuild | undefined;
    return row === undefined ? undefined : toBuild(row);
  }

  /** Newest first. */
  list(filter: { pipeline?: string; job?: string; limit?: number } = {}): BuildRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.pipeline !== undefined) {
      where.push("p.name = ?");
      args.push(filter.pipeline);
    }
    if (filter.job !== undefined) {
      where.push("b.job = ?");
      args.push(filter.job);
    }
    const sql = `SELECT ${BUILD_COLUMNS} ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY b.id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...args, filter.limit ?? -1) as unknown as RawBuild[]).map(toBuild);
  }

  inputs(buildId: number): BuildInputRow[] {
    const rows = this.#db
      .prepare(
        `SELECT bi.name, r.name AS resource, rv.id, rv.resource_id, rv.check_order, rv.version, rv.metadata
         FROM build_inputs bi JOIN resource_versions rv ON rv.id = bi.version_id JOIN resources r ON r.id = rv.resource_id
         WHERE bi.build_id = ? ORDER BY bi.name`,
      )
      .all(buildId) as unknown as (Parameters<typeof toStoredVersion>[0] & { name: string; resource: string })[];
    return rows.map((r) => ({ name: r.name, resource: r.resource, version: toStoredVersion(r) }));
  }

  outputs(buildId: number): { resource: string; version: StoredVersion }[] {
    const rows = this.#db
      .prepare(
        `SELECT r.name AS resource, rv.id, rv.resource_id, rv.check_order, rv.version, rv.metadata
         FROM build_outputs bo JOIN resource_versions rv ON rv.id = bo.version_id JOIN resources r ON r.id = rv.resource_id
         WHERE bo.build_id = ? ORDER BY rv.check_order`,
      )
      .all(buildId) as unknown as (Parameters<typeof toStoredVersion>[0] & { resource: string })[];
    return rows.map((r) => ({ resource: r.resource, version: toStoredVersion(r) }));
  }

  steps(buildId: number): StepRow[] {
    const rows = this.#db
      .prepare("SELECT step_id, attempt, kind, name, status, started_at, ended_at, detail, seq, end_seq FROM steps WHERE build_id = ? ORDER BY seq")
      .all(buildId) as {
      step_id: string;
      attempt: number;
      kind: string;
      name: string;
      status: StepState;
      started_at: number | null;
      ended_at: number | null;
      detail: string | null;
      seq: number;
      end_seq: number | null;
    }[];
    return rows.map((r) => ({
      stepId: r.step_id,
      attempt: r.attempt,
      kind: r.kind,
      name: r.name,
      status: r.status,
      startedAt: r.started_at ?? undefined,
      endedAt: r.ended_at ?? undefined,
      detail: r.detail ?? undefined,
      seq: r.seq,
      endSeq: r.end_seq ?? undefined,
    }));
  }

  logs(buildId: number): LogRow[] {
    const rows = this.#db.prepare("SELECT seq, step_id, attempt, stream, text, at FROM logs WHERE build_id = ? ORDER BY seq").all(buildId) as {
      seq: number;
      step_id: string;
      attempt: number;
      stream: LogStream;
      text: string;
      at: number;
    }[];
    return rows.map((r) => ({ seq: r.seq, stepId: r.step_id, attempt: r.attempt, stream: r.stream, text: r.text, at: r.at }));
  }
}

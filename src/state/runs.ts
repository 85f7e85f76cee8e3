/**
 * Runs: one row per jetway process that runs builds. A run whose process died
 * (SIGKILL, a crash, a power cut) leaves builds marked started; the next
 * jetway to look errors them, with their steps, so the state says what
 * happened and the versions they used stay recorded as used.
 */
import type { DatabaseSync } from "node:sqlite";
import { immediate } from "./db.ts";
import { ownerLiveness, type Owner } from "./owner.ts";

export interface RunRow {
  id: number;
  owner: Owner;
  driver: string;
  namespace: string;
}

export interface RecoveredRun {
  run: RunRow;
  /** builds errored because their process died, as `job #number` */
  builds: { pipeline: string; job: string; number: number }[];
}

interface RawRun {
  id: number;
  pid: number;
  host: string;
  process_start: string | null;
  driver: string;
  namespace: string;
}

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  owner: { pid: r.pid, host: r.host, processStart: r.process_start ?? undefined },
  driver: r.driver,
  namespace: r.namespace,
});

export class RunStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  start(owner: Owner, driver: string, namespace: string, at: number = Date.now()): number {
    const r = this.#db
      .prepare("INSERT INTO runs (pid, host, process_start, driver, namespace, started_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(owner.pid, owner.host, owner.processStart ?? null, driver, namespace, at);
    return Number(r.lastInsertRowid);
  }

  end(runId: number, at: number = Date.now()): void {
    this.#db.prepare("UPDATE runs SET ended_at = ? WHERE id = ? AND ended_at IS NULL").run(at, runId);
  }

  /**
   * Errors the started builds (and started steps) of every unfinished run
   * whose process is gone, and ends those runs. Runs of live processes, and
   * of other hosts (which cannot be probed), are left alone.
   */
  recoverDead(at: number = Date.now()): RecoveredRun[] {
    const open = this.#db.prepare("SELECT id, pid, host, process_start, driver, namespace FROM runs WHERE ended_at IS NULL").all() as unknown as RawRun[];
    const dead = open.map(toRun).filter((r) => ownerLiveness(r.owner) === "dead");
    if (dead.length === 0) return [];
    return immediate(this.#db, () =>
      dead.flatMap((run) => {
        // another process may have recovered it between the read and the lock
        const still = this.#db.prepare("SELECT 1 FROM runs WHERE id = ? AND ended_at IS NULL").get(run.id);
        if (still === undefined) return [];
        const detail = `jetway process ${run.owner.pid} on ${run.owner.host} died while the build ran`;
        const builds = this.#db
          .prepare(
            `SELECT b.id, p.name AS pipeline, b.job, b.number FROM builds b JOIN pipelines p ON p.id = b.pipeline_id
             WHERE b.run_id = ? AND b.status = 'started' ORDER BY b.id`,
          )
          .all(run.id) as { id: number; pipeline: string; job: string; number: number }[];
        for (const b of builds) {
          this.#db.prepare("UPDATE steps SET status = 'errored', ended_at = ?, detail = ? WHERE build_id = ? AND status = 'started'").run(at, detail, b.id);
          this.#db.prepare("UPDATE builds SET status = 'errored', ended_at = ?, detail = ? WHERE id = ?").run(at, detail, b.id);
        }
        this.#db.prepare("UPDATE runs SET ended_at = ? WHERE id = ?").run(at, run.id);
        return [{ run, builds: builds.map(({ pipeline, job, number }) => ({ pipeline, job, number })) }];
      }),
    );
  }
}

/** The state store: one SQLite file under the state dir, shared safely by several jetway processes. */
import type { DatabaseSync } from "node:sqlite";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { JetwayError } from "../protocol/errors.ts";
import { BuildStore } from "./builds.ts";
import { DB_FILE, immediate, openDatabase } from "./db.ts";
import { currentOwner, type Owner } from "./owner.ts";
import { RunStore } from "./runs.ts";
import { VersionStore } from "./versions.ts";

/** `.jetway` in the current directory, unless --state says otherwise. */
export const DEFAULT_STATE_DIR = ".jetway";

export class StateStore {
  readonly dir: string;
  readonly owner: Owner;
  readonly versions: VersionStore;
  readonly builds: BuildStore;
  readonly runs: RunStore;
  readonly #db: DatabaseSync;

  private constructor(dir: string, db: DatabaseSync) {
    this.dir = dir;
    this.#db = db;
    this.owner = currentOwner();
    this.versions = new VersionStore(db);
    this.builds = new BuildStore(db);
    this.runs = new RunStore(db);
  }

  /** Opens (creating if needed) the store in `dir`, relative to the current directory. */
  static open(dir: string = DEFAULT_STATE_DIR): StateStore {
    const absolute = resolve(dir);
    return new StateStore(absolute, openDatabase(absolute));
  }

  /** Opens an existing store for reading commands (builds, logs): a missing one is a usage error, not a new store. */
  static openExisting(dir: string = DEFAULT_STATE_DIR): StateStore {
    const absolute = resolve(dir);
    if (!existsSync(join(absolute, DB_FILE))) {
      throw new JetwayError("USAGE", `no jetway state in ${dir} (run jetway run first, or point --state at the right dir)`);
    }
    return new StateStore(absolute, openDatabase(absolute));
  }

  pipelineId(name: string): number {
    const find = () => this.#db.prepare("SELECT id FROM pipelines WHERE name = ?").get(name) as { id: number } | undefined;
    const found = find();
    if (found !== undefined) return found.id;
    return this.transaction(() => find()?.id ?? Number(this.#db.prepare("INSERT INTO pipelines (name) VALUES (?)").run(name).lastInsertRowid));
  }

  /** Runs `body` holding the write lock (BEGIN IMMEDIATE): reads in it cannot go stale before it commits. */
  transaction<T>(body: () => T): T {
    return immediate(this.#db, body);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * The SQLite file under the state dir: opened with WAL (readers never block the
 * one writer), a busy timeout (two jetway processes wait for each other instead
 * of failing), foreign keys, and the schema brought up to date.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { JetwayError } from "../protocol/errors.ts";
import { MIGRATIONS } from "./migrations.ts";

export const DB_FILE = "state.db";

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 15_000;

export function openDatabase(dir: string): DatabaseSync {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new JetwayError("USAGE", `state dir ${dir}: cannot create it: ${(e as Error).message}`);
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(join(dir, DB_FILE), { timeout: BUSY_TIMEOUT_MS });
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec("PRAGMA journal_mode = WAL");
    // WAL + NORMAL: a committed transaction survives a killed process; only a power cut may lose the last ones
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
  } catch (e) {
    throw new JetwayError("OPERATION_FAILED", `state ${join(dir, DB_FILE)}: cannot open: ${(e as Error).message}`);
  }
  migrate(db, dir);
  return db;
}

function userVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

function migrate(db: DatabaseSync, dir: string): void {
  if (userVersion(db) === MIGRATIONS.length) return;
  immediate(db, () => {
    // read again inside the lock: another process may have migrated meanwhile
    const at = userVersion(db);
    if (at > MIGRATIONS.length) {
      throw new JetwayError("OPERATION_FAILED", `state ${dir} is at schema version ${at}, newer than this jetway knows (${MIGRATIONS.length}): upgrade jetway`);
    }
    for (let v = at; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
  });
}

/**
 * Runs `body` in a BEGIN IMMEDIATE transaction: the write lock is taken at the
 * start, so whatever body reads cannot change before it commits (the claim of
 * a build reads, decides and writes as one step across processes).
 */
export function immediate<T>(db: DatabaseSync, body: () => T): T {
  if (db.isTransaction) return body();
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = body();
    db.exec("COMMIT");
    return result;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

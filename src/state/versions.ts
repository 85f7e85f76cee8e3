/** Resources and their versions, in check order. */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import * as z from "zod";
import type { Metadata, Version } from "../protocol/types.ts";
import { canonicalVersion } from "./canonical.ts";
import { immediate } from "./db.ts";

export interface StoredVersion {
  id: number;
  resourceId: number;
  /** larger is newer */
  order: number;
  version: Version;
  metadata: Metadata;
}

export interface StoredResource {
  id: number;
  name: string;
  type: string;
  checkedAt: number | undefined;
  checkError: string | undefined;
}

const versionJson = z.record(z.string(), z.string());
const metadataJson = z.array(z.object({ name: z.string(), value: z.string() })).nullable();

interface VersionRow {
  id: number;
  resource_id: number;
  check_order: number;
  version: string;
  metadata: string | null;
}

export function toStoredVersion(row: VersionRow): StoredVersion {
  // the store only ever holds what it wrote; a row that does not parse is a damaged file
  const version = versionJson.parse(JSON.parse(row.version));
  const metadata = row.metadata === null ? null : metadataJson.parse(JSON.parse(row.metadata));
  return { id: row.id, resourceId: row.resource_id, order: row.check_order, version, metadata };
}

export class VersionStore {
  readonly #db: DatabaseSync;
  readonly #find: StatementSync;
  readonly #max: StatementSync;
  readonly #insert: StatementSync;
  readonly #bump: StatementSync;
  readonly #setMetadata: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#find = db.prepare("SELECT id, resource_id, check_order, version, metadata FROM resource_versions WHERE resource_id = ? AND version = ?");
    this.#max = db.prepare("SELECT COALESCE(MAX(check_order), 0) AS max FROM resource_versions WHERE resource_id = ?");
    this.#insert = db.prepare("INSERT INTO resource_versions (resource_id, version, metadata, check_order, created_at) VALUES (?, ?, ?, ?, ?)");
    this.#bump = db.prepare("UPDATE resource_versions SET check_order = ? WHERE id = ?");
    this.#setMetadata = db.prepare("UPDATE resource_versions SET metadata = ? WHERE id = ?");
  }

  /** The resource's row for this config (type + source digest), created on first use. */
  resource(pipelineId: number, name: string, type: string, configHash: string): number {
    const find = () =>
      this.#db.prepare("SELECT id FROM resources WHERE pipeline_id = ? AND name = ? AND config_hash = ?").get(pipelineId, name, configHash) as { id: number } | undefined;
    const found = find();
    if (found !== undefined) return found.id;
    return immediate(this.#db, () => {
      const again = find();
      if (again !== undefined) return again.id;
      const r = this.#db.prepare("INSERT INTO resources (pipeline_id, name, type, config_hash) VALUES (?, ?, ?, ?)").run(pipelineId, name, type, configHash);
      return Number(r.lastInsertRowid);
    });
  }

  resourceInfo(resourceId: number): StoredResource | undefined {
    const row = this.#db.prepare("SELECT id, name, type, checked_at, check_error FROM resources WHERE id = ?").get(resourceId) as
      | { id: number; name: string; type: string; checked_at: number | null; check_error: string | null }
      | undefined;
    if (row === undefined) return undefined;
    return { id: row.id, name: row.name, type: row.type, checkedAt: row.checked_at ?? undefined, checkError: row.check_error ?? undefined };
  }

  /**
   * Saves what a check returned, oldest first, as Concourse does: each version
   * is moved to the end of the order in the order given (an existing one keeps
   * its row, and its place when it already is the latest), so the last one
   * returned is the latest. Returns the versions that were new.
   */
  saveChecked(resourceId: number, versions: readonly { version: Version; metadata?: Metadata }[], at: number = Date.now()): StoredVersion[] {
    return immediate(this.#db, () => {
      const added: StoredVersion[] = [];
      let max = (this.#max.get(resourceId) as { max: number }).max;
      for (const { version, metadata } of versions) {
        const text = canonicalVersion(version);
        const meta = metadata === undefined || metadata === null ? null : JSON.stringify(metadata);
        const existing = this.#find.get(resourceId, text) as VersionRow | undefined;
        if (existing === undefined) {
          max += 1;
          const r = this.#insert.run(resourceId, text, meta, max, at);
          added.push({ id: Number(r.lastInsertRowid), resourceId, order: max, version, metadata: metadata ?? null });
          continue;
        }
        if (meta !== null) this.#setMetadata.run(meta, existing.id);
        if (existing.check_order < max) {
          max += 1;
          this.#bump.run(max, existing.id);
        }
      }
      this.#db.prepare("UPDATE resources SET checked_at = ?, check_error = NULL WHERE id = ?").run(at, resourceId);
      return added;
    });
  }

  /** A check that failed: the versions stay, the error is kept for messages. */
  saveCheckError(resourceId: number, error: string, at: number = Date.now()): void {
    this.#db.prepare("UPDATE resources SET checked_at = ?, check_error = ? WHERE id = ?").run(at, error, resourceId);
  }

  /**
   * A version a put created (or a get fetched that no check has returned):
   * kept with its place if known, else added as the latest.
   */
  saveUnchecked(resourceId: number, version: Version, metadata: Metadata, at: number = Date.now()): StoredVersion {
    return immediate(this.#db, () => {
      const text = canonicalVersion(version);
      const existing = this.#find.get(resourceId, text) as VersionRow | undefined;
      if (existing !== undefined) {
        if (metadata !== null) this.#setMetadata.run(JSON.stringify(metadata), existing.id);
        return toStoredVersion({ ...existing, metadata: metadata === null ? existing.metadata : JSON.stringify(metadata) });
      }
      const order = (this.#max.get(resourceId) as { max: number }).max + 1;
      const r = this.#insert.run(resourceId, text, metadata === null ? null : JSON.stringify(metadata), order, at);
      return { id: Number(r.lastInsertRowid), resourceId, order, version, metadata };
    });
  }

  /** Every version of the resource, oldest first. */
  list(resourceId: number): StoredVersion[] {
    const rows = this.#db
      .prepare("SELECT id, resource_id, check_order, version, metadata FROM resource_versions WHERE resource_id = ? ORDER BY check_order")
      .all(resourceId) as unknown as VersionRow[];
    return rows.map(toStoredVersion);
  }

  latest(resourceId: number): StoredVersion | undefined {
    const row = this.#db
      .prepare("SELECT id, resource_id, check_order, version, metadata FROM resource_versions WHERE resource_id = ? ORDER BY check_order DESC LIMIT 1")
      .get(resourceId) as VersionRow | undefined;
    return row === undefined ? undefined : toStoredVersion(row);
  }

  find(resourceId: number, version: Version): StoredVersion | undefined {
    const row = this.#find.get(resourceId, canonicalVersion(version)) as VersionRow | undefined;
    return row === undefined ? undefined : toStoredVersion(row);
  }

  count(resourceId: number): number {
    return (this.#db.prepare("SELECT COUNT(*) AS n FROM resource_versions WHERE resource_id = ?").get(resourceId) as { n: number }).n;
  }
}

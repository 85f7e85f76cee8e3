/**
 * The store's schema, one migration per version. `PRAGMA user_version` holds
 * the version a database is at; a migration runs once, in its own immediate
 * transaction, so two processes opening a fresh store do not both apply it.
 * Append only: a released migration is never edited.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the first schema
  `
  CREATE TABLE pipelines (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );

  -- one row per resource config: a changed type or source starts a new history
  -- (as a new resource config does in Concourse); the old versions stay
  CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    checked_at INTEGER,
    check_error TEXT,
    UNIQUE (pipeline_id, name, config_hash)
  );

  -- check_order: the order checks returned versions in; the largest is the latest
  CREATE TABLE resource_versions (
    id INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES resources(id),
    version TEXT NOT NULL,
    metadata TEXT,
    check_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (resource_id, version)
  );
  CREATE INDEX resource_versions_by_order ON resource_versions (resource_id, check_order);

  -- one row per jetway process that ran builds: who owns a started build
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    process_start TEXT,
    driver TEXT NOT NULL,
    namespace TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER
  );

  CREATE TABLE builds (
    id INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    job TEXT NOT NULL,
    number INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'errored', 'aborted')),
    manual INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    detail TEXT,
    UNIQUE (pipeline_id, job, number)
  );
  CREATE INDEX builds_started ON builds (status) WHERE status = 'started';

  -- the versions a build was given, by the get's name
  CREATE TABLE build_inputs (
    build_id INTEGER NOT NULL REFERENCES builds(id),
    name TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES resource_versions(id),
    PRIMARY KEY (build_id, name)
  );
  CREATE INDEX build_inputs_by_version ON build_inputs (version_id);

  -- the versions a build's puts created
  CREATE TABLE build_outputs (
    build_id INTEGER NOT NULL REFERENCES builds(id),
    version_id INTEGER NOT NULL REFERENCES resource_versions(id),
    PRIMARY KEY (build_id, version_id)
  );
  CREATE INDEX build_outputs_by_version ON build_outputs (version_id);

  -- attempt 0: a step without attempts; seq orders steps and logs within a build
  CREATE TABLE steps (
    build_id INTEGER NOT NULL REFERENCES builds(id),
    step_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'errored', 'aborted', 'skipped')),
    started_at INTEGER,
    ended_at INTEGER,
    detail TEXT,
    seq INTEGER NOT NULL,
    end_seq INTEGER,
    PRIMARY KEY (build_id, step_id, attempt)
  );

  CREATE TABLE logs (
    build_id INTEGER NOT NULL REFERENCES builds(id),
    seq INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    text TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (build_id, seq)
  );
  `,
];

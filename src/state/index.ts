/**
 * The state store (node:sqlite, WAL) in `.jetway/` of the current directory:
 * resources and their versions in check order, builds with their inputs and
 * outputs, steps and logs, and the processes that ran them. Survives restarts;
 * several jetway processes can share it (claims are immediate transactions).
 */
export { StateStore, DEFAULT_STATE_DIR } from "./store.ts";
export { DB_FILE } from "./db.ts";
export { canonicalVersion } from "./canonical.ts";
export { currentOwner, ownerLiveness, type Owner } from "./owner.ts";
export type { StoredVersion, StoredResource } from "./versions.ts";
export type { BuildRow, BuildState, StepRow, StepState, LogRow, LogStream, BuildInputRow, NewBuild } from "./builds.ts";
export type { RunRow, RecoveredRun } from "./runs.ts";

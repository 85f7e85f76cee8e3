/**
 * What `git push` decides for each ref before sending anything: up to date,
 * a creation, a fast-forward, a forced update, or a rejection. Tags never
 * move without force ("already exists"); a branch moves only forward, and
 * a remote tip this repository has never seen is "fetch first", since it
 * cannot be proven to be an ancestor.
 */
import type { GitRepo } from "./repo.ts";
import { isAncestor } from "./push-revwalk.ts";

export const ZERO_OID = "0000000000000000000000000000000000000000";

export interface RefUpdate {
  /** the local name git would print (HEAD, v1.0, refs/notes/commits) */
  src: string;
  /** the full remote ref */
  dst: string;
  oid: string;
  force: boolean;
}

export type RefDecision =
  | { kind: "uptodate" }
  | { kind: "send"; old: string; how: "new" | "fast-forward" | "forced" }
  | { kind: "rejected"; reason: "non-fast-forward" | "fetch first" | "already exists" };

export async function decide(repo: GitRepo, update: RefUpdate, remoteOld: string | undefined, shallow: ReadonlySet<string>): Promise<RefDecision> {
  const old = remoteOld ?? ZERO_OID;
  if (old === update.oid) return { kind: "uptodate" };
  if (old === ZERO_OID) return { kind: "send", old, how: "new" };
  if (update.dst.startsWith("refs/tags/")) {
    return update.force ? { kind: "send", old, how: "forced" } : { kind: "rejected", reason: "already exists" };
  }
  const oldCommit = await repo.peelToCommit(old).catch(() => undefined);
  const newCommit = await repo.peelToCommit(update.oid).catch(() => undefined);
  if (oldCommit !== undefined && newCommit !== undefined && old === oldCommit) {
    const ff = await isAncestor(repo, oldCommit, newCommit, shallow).catch(() => false);
    if (ff) return { kind: "send", old, how: "fast-forward" };
  }
  if (update.force) return { kind: "send", old, how: "forced" };
  const known = (await repo.objectType(old)) !== undefined;
  return { kind: "rejected", reason: known ? "non-fast-forward" : "fetch first" };
}

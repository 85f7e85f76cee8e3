/**
 * The objects a push must send: the new tips' tag objects, the commits
 * reachable from them and not from any remote ref, and of each such commit
 * the trees and blobs that differ, path by path, from its parents' (what a
 * parent has is either on the remote already or sent with that parent).
 * Submodule entries (gitlinks) name commits of another repository and are
 * never sent.
 */
import type { GitRepo, TreeEntry } from "./repo.ts";
import { commitsBetween } from "./push-revwalk.ts";

export async function objectsToSend(
  repo: GitRepo,
  tips: readonly string[],
  remoteTips: readonly string[],
  shallow: ReadonlySet<string>,
): Promise<string[]> {
  const out = new Set<string>();
  const includeCommits: string[] = [];
  for (const tip of tips) {
    let oid = tip;
    for (let hops = 0; hops < 32; hops++) {
      const type = await repo.objectType(oid);
      if (type === "tag") {
        out.add(oid);
        oid = (await repo.readTag(oid)).object;
        continue;
      }
      if (type === "commit") includeCommits.push(oid);
      else if (type === "tree") await addTree(repo, oid, null, out);
      else if (type === "blob") out.add(oid);
      break;
    }
  }
  const exclude: string[] = [];
  for (const oid of remoteTips) {
    const c = await repo.peelToCommit(oid).catch(() => undefined);
    if (c) exclude.push(c);
  }
  const commits = await commitsBetween(repo, includeCommits, exclude, shallow);
  for (const oid of commits) {
    out.add(oid);
    const c = await repo.readCommit(oid);
    const parentTrees: string[] = [];
    if (!shallow.has(oid)) {
      for (const p of c.parents) {
        const pc = await repo.readCommit(p).catch(() => undefined);
        if (pc) parentTrees.push(pc.tree);
      }
    }
    if (parentTrees.length === 0) await addTree(repo, c.tree, null, out);
    else await addTree(repo, c.tree, parentTrees, out);
  }
  return [...out];
}

/** Adds `tree` and whatever under it no parent tree has at the same path. */
async function addTree(repo: GitRepo, tree: string, parents: string[] | null, out: Set<string>): Promise<void> {
  // a tree already taken was settled against some parent, which is on the remote or being sent
  if (parents?.includes(tree) || out.has(tree)) return;
  out.add(tree);
  const entries = await repo.readTree(tree);
  const parentEntries = parents ? await Promise.all(parents.map((p) => repo.readTree(p).then(byName))) : [];
  for (const e of entries) {
    if (e.type === "commit") continue;
    const before = parentEntries.map((m) => m.get(e.path)).filter((x): x is TreeEntry => x !== undefined);
    if (before.some((b) => b.oid === e.oid)) continue;
    if (e.type === "tree") {
      const subParents = before.filter((b) => b.type === "tree").map((b) => b.oid);
      await addTree(repo, e.oid, subParents, out);
    } else out.add(e.oid);
  }
}

function byName(entries: TreeEntry[]): Map<string, TreeEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}

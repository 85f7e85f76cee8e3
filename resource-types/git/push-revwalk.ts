/**
 * `git rev-list <include> --not <exclude>`: the commits reachable from the
 * includes and from none of the excludes, found as git finds them, by walking
 * newest-first and painting the excluded side's ancestry, stopping once only
 * excluded commits are queued (plus a few steps of slop for skewed clocks).
 * This bounds the walk by how far the two sides diverged, not by the history's
 * length, which matters for every push (what to send, is it a fast-forward)
 * and for rebase (which commits to replay).
 *
 * Excludes this repository does not have are ignored; a shallow commit's
 * parents are not followed (the repository does not have them).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { GitRepo } from "./repo.ts";

const SLOP = 5;

interface Node {
  oid: string;
  date: number;
  parents: string[];
  uninteresting: boolean;
  queued: boolean;
  done: boolean;
}

export async function readShallow(gitdir: string): Promise<Set<string>> {
  const text = await readFile(join(gitdir, "shallow"), "utf8").catch(() => "");
  return new Set(text.split("\n").filter((l) => /^[0-9a-f]{40}$/.test(l)));
}

export async function commitsBetween(
  repo: GitRepo,
  include: readonly string[],
  exclude: readonly string[],
  shallow: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const nodes = new Map<string, Node>();
  const load = async (oid: string): Promise<Node | undefined> => {
    let n = nodes.get(oid);
    if (n) return n;
    let c;
    try {
      c = await repo.readCommit(oid);
    } catch {
      return undefined;
    }
    n = { oid, date: c.committer.timestamp, parents: shallow.has(oid) ? [] : c.parents, uninteresting: false, queued: false, done: false };
    nodes.set(oid, n);
    return n;
  };
  const queue: Node[] = [];
  const enqueue = (n: Node) => {
    if (n.queued) return;
    n.queued = true;
    // newest first; equal dates keep arrival order
    let i = queue.length;
    while (i > 0 && queue[i - 1]!.date < n.date) i--;
    queue.splice(i, 0, n);
  };
  const markUninteresting = (n: Node) => {
    const stack = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x.uninteresting) continue;
      x.uninteresting = true;
      // parents already reached must learn it too; unreached ones inherit it when reached
      for (const p of x.parents) {
        const pn = nodes.get(p);
        if (pn) stack.push(pn);
      }
    }
  };

  for (const oid of exclude) {
    const n = await load(oid);
    if (!n) continue;
    markUninteresting(n);
    enqueue(n);
  }
  for (const oid of include) {
    const n = await load(oid);
    if (!n) throw new Error(`commit ${oid} is missing from the repository`);
    enqueue(n);
  }

  let slop = SLOP;
  while (queue.length > 0) {
    const n = queue.shift()!;
    n.done = true;
    for (const p of n.parents) {
      const pn = await load(p);
      if (!pn) {
        if (n.uninteresting) continue;
        throw new Error(`commit ${p} (a parent of ${n.oid}) is missing from the repository`);
      }
      if (n.uninteresting) markUninteresting(pn);
      enqueue(pn);
    }
    if (queue.every((q) => q.uninteresting)) {
      if (--slop <= 0) break;
    } else slop = SLOP;
  }
  const out: string[] = [];
  for (const n of nodes.values()) if (n.done && !n.uninteresting) out.push(n.oid);
  return out;
}

/** Is `ancestor` reachable from `descendant` (or the same commit)? */
export async function isAncestor(repo: GitRepo, ancestor: string, descendant: string, shallow?: ReadonlySet<string>): Promise<boolean> {
  if (ancestor === descendant) return true;
  return (await commitsBetween(repo, [ancestor], [descendant], shallow)).length === 0;
}

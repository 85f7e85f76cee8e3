/**
 * `git rev-list --first-parent <tips> ^<excluded> [-- <pathspec>]`, walked as
 * git walks it so the order matches with skewed clocks too:
 *
 * - a list ordered by committer date, a newer commit going before the first
 *   strictly older one (ties keep arrival order), seeded with the tips
 *   stably sorted by date;
 * - an interesting commit queues its first parent only; an excluded
 *   (uninteresting) one queues all its parents and passes the mark down;
 * - with exclusions the walk is "limited": it runs until only uninteresting
 *   commits are queued (plus git's five commits of slop), and a commit is
 *   shown only if it is still interesting at the end;
 * - with a pathspec, a commit is hidden when it is TREESAME to its first
 *   parent (a root: to the empty tree). With --first-parent git compares a
 *   merge with its first parent only, so a merge shows when it brought a
 *   matching change in from its side branch, and the side branch's own
 *   commits are never visited. An empty pathspec prunes nothing.
 */
import type { Pathspec } from "./pathspec.ts";
import type { GitRepo } from "./repo.ts";
import { treeChangesMatch } from "./tree-diff.ts";

const SLOP = 5;

interface Node {
  oid: string;
  date: number;
  parents: string[];
  tree: string;
  seen: boolean;
  uninteresting: boolean;
  parsed: boolean;
}

export interface RevListOptions {
  /** the positive starting points, in the order git is given them */
  tips: readonly string[];
  /** commits whose whole ancestry is excluded (the `^ref~1` of a range) */
  exclude?: readonly string[];
  pathspec?: Pathspec | null;
}

export async function* revList(repo: GitRepo, options: RevListOptions): AsyncGenerator<string> {
  const nodes = new Map<string, Node>();
  const node = (oid: string): Node => {
    let n = nodes.get(oid);
    if (!n) {
      n = { oid, date: 0, parents: [], tree: "", seen: false, uninteresting: false, parsed: false };
      nodes.set(oid, n);
    }
    return n;
  };
  const parse = async (n: Node) => {
    if (n.parsed) return;
    const c = await repo.readCommit(n.oid);
    n.date = c.committer.timestamp;
    n.parents = c.parents;
    n.tree = c.tree;
    n.parsed = true;
  };
  // marks every known ancestor; unparsed ones get the mark now and pass it on once read
  const markParentsUninteresting = (n: Node) => {
    const stack = n.parents.map(node);
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (p.uninteresting) continue;
      p.uninteresting = true;
      if (p.parsed) stack.push(...p.parents.map(node));
    }
  };
  const list: Node[] = [];
  const insertByDate = (n: Node) => {
    let at = list.findIndex((x) => x.date < n.date);
    if (at < 0) at = list.length;
    list.splice(at, 0, n);
  };

  const pending: Node[] = [];
  for (const oid of options.exclude ?? []) {
    const n = node(oid);
    await parse(n);
    n.uninteresting = true;
    markParentsUninteresting(n);
    pending.push(n);
  }
  // git lists the positive arguments first here (--all expands before the range)
  const seeds: Node[] = [];
  for (const oid of options.tips) {
    const n = node(oid);
    await parse(n);
    seeds.push(n);
  }
  for (const n of [...seeds, ...pending]) {
    if (n.seen) continue;
    n.seen = true;
    list.push(n);
  }
  list.sort((a, b) => b.date - a.date); // stable

  const processParents = async (n: Node) => {
    if (n.uninteresting) {
      for (const oid of n.parents) {
        const p = node(oid);
        p.uninteresting = true;
        await parse(p);
        if (p.parents.length > 0) markParentsUninteresting(p);
        if (p.seen) continue;
        p.seen = true;
        insertByDate(p);
      }
      return;
    }
    const first = n.parents[0];
    if (first === undefined) return;
    const p = node(first);
    await parse(p);
    if (!p.seen) {
      p.seen = true;
      insertByDate(p);
    }
  };

  const pathspec = options.pathspec;
  const pruning = pathspec !== null && pathspec !== undefined;
  const shown = async (n: Node) => {
    if (n.uninteresting) return false;
    if (!pruning) return true;
    const parent = n.parents[0];
    const parentTree = parent === undefined ? null : (await repo.readCommit(parent)).tree;
    return treeChangesMatch(repo, parentTree, n.tree, pathspec);
  };

  if ((options.exclude ?? []).length === 0) {
    while (list.length > 0) {
      const n = list.shift()!;
      await processParents(n);
      if (await shown(n)) yield n.oid;
    }
    return;
  }

  const collected: Node[] = [];
  let lastDate = Infinity;
  let slop = SLOP;
  while (list.length > 0) {
    const n = list.shift()!;
    await processParents(n);
    if (n.uninteresting) {
      markParentsUninteresting(n);
      slop = stillInteresting(list, lastDate, slop);
      if (slop > 0) continue;
      break;
    }
    lastDate = n.date;
    collected.push(n);
  }
  for (const n of collected) if (await shown(n)) yield n.oid;
}

function stillInteresting(list: readonly Node[], lastDate: number, slop: number): number {
  if (list.length === 0) return 0;
  if (lastDate <= list[0]!.date) return SLOP;
  if (list.some((n) => !n.uninteresting)) return SLOP;
  return slop - 1;
}

/**
 * Which commits a fetch must send. Two regimes, as in git's upload-pack:
 * - full history: a newest-first walk from the wants that stops where it
 *   meets history reachable from the haves (rev-list's UNINTERESTING marking);
 * - deepen (depth, since, deepen-not, relative): a breadth-first walk bounded
 *   by the request, reporting the new shallow boundary and the client's
 *   shallow commits that it lifts.
 * Client shallow commits are ends of the client's history: the walk from the
 * haves never looks past them, because the client lacks their parents.
 */
import type { LocalRepo } from "./local-repo.ts";

export interface DeepenSpec {
  depth?: number;
  /** seconds since the epoch: keep commits at least this recent */
  since?: number;
  /** refs or oids whose history the client does not want */
  not: string[];
  /** depth counts from the client's current shallow boundary */
  relative: boolean;
}

export interface WalkPlan {
  /** commits to send, newest first */
  send: string[];
  /** commits the client has that border `send`: their trees need not be sent */
  edges: string[];
  shallow: string[];
  unshallow: string[];
}

export interface WalkInput {
  wants: readonly string[];
  haves: readonly string[];
  clientShallow: ReadonlySet<string>;
  deepen?: DeepenSpec;
}

export async function selectCommits(repo: LocalRepo, input: WalkInput): Promise<WalkPlan> {
  return input.deepen ? await deepenWalk(repo, input, input.deepen) : fullWalk(repo, input);
}

function parentsOf(repo: LocalRepo, oid: string): string[] {
  try {
    return (repo.commit(oid)).parents;
  } catch {
    // the source itself may be shallow: a missing parent ends history here
    return [];
  }
}

function fullWalk(repo: LocalRepo, { wants, haves, clientShallow }: WalkInput): WalkPlan {
  const UNINTERESTING = 2;
  const flags = new Map<string, number>();
  const heap = new CommitHeap();
  let interesting = 0;
  const push = (oid: string, uninteresting: boolean): void => {
    const cur = flags.get(oid);
    if (uninteresting) {
      if (cur === UNINTERESTING) return;
      flags.set(oid, UNINTERESTING);
    } else {
      if (cur !== undefined) return;
      flags.set(oid, 1);
      interesting++;
    }
    let time = 0;
    try {
      time = (repo.commit(oid)).time;
    } catch {
      // unreadable: sorts last, and parentsOf ends the walk there
    }
    heap.push({ oid, time, uninteresting });
  };
  for (const h of haves) push(h, true);
  for (const w of wants) push(w, false);
  const visited: string[] = [];
  while (interesting > 0) {
    const e = heap.pop();
    if (!e) break;
    if (!e.uninteresting) interesting--;
    if (flags.get(e.oid) === UNINTERESTING) {
      // an interesting entry overtaken by the uninteresting one queued for the same commit
      if (!e.uninteresting) continue;
      if (clientShallow.has(e.oid)) continue;
      for (const p of parentsOf(repo, e.oid)) push(p, true);
    } else {
      visited.push(e.oid);
      for (const p of parentsOf(repo, e.oid)) push(p, false);
    }
  }
  const send = visited.filter((c) => flags.get(c) !== UNINTERESTING);
  const edges = new Set<string>();
  for (const c of send) for (const p of parentsOf(repo, c)) if (flags.get(p) === UNINTERESTING) edges.add(p);
  return { send, edges: [...edges], shallow: [], unshallow: [] };
}

async function deepenWalk(repo: LocalRepo, { wants, haves, clientShallow }: WalkInput, spec: DeepenSpec): Promise<WalkPlan> {
  const excludedHistory = spec.not.length > 0 ? ancestors(repo, await resolveAll(repo, spec.not), new Set()) : new Set<string>();
  const excluded = (oid: string): boolean => {
    if (excludedHistory.has(oid)) return true;
    if (spec.since === undefined) return false;
    try {
      return (repo.commit(oid)).time < spec.since;
    } catch {
      return true;
    }
  };
  const start = spec.relative || spec.depth === undefined ? Infinity : spec.depth;
  const budget = new Map<string, number>();
  const queue: Array<[string, number]> = wants.map((w) => [w, start]);
  for (let i = 0; i < queue.length; i++) {
    const [oid, given] = queue[i] as [string, number];
    let b = given;
    if ((budget.get(oid) ?? 0) >= b) continue;
    if (spec.relative && spec.depth !== undefined && clientShallow.has(oid) && b === Infinity) b = spec.depth + 1;
    budget.set(oid, b);
    if (b <= 1) continue;
    const parents = parentsOf(repo, oid);
    let cut = false;
    for (const p of parents) if (excluded(p)) cut = true;
    if (cut) continue;
    for (const p of parents) queue.push([p, b - 1]);
  }
  const graph = new Set(budget.keys());
  const shallowAll = new Set<string>();
  for (const c of graph) {
    const parents = parentsOf(repo, c);
    if (parents.some((p) => !graph.has(p))) shallowAll.add(c);
  }
  const have = ancestors(repo, haves, clientShallow);
  const send = [...graph].filter((c) => !have.has(c));
  const sendSet = new Set(send);
  const edges = new Set<string>();
  for (const c of graph) {
    if (!have.has(c)) continue;
    const parents = parentsOf(repo, c);
    if (parents.some((p) => sendSet.has(p))) edges.add(c);
  }
  for (const c of send) for (const p of parentsOf(repo, c)) if (have.has(p)) edges.add(p);
  return {
    send,
    edges: [...edges],
    shallow: [...shallowAll].filter((c) => !clientShallow.has(c)),
    unshallow: [...clientShallow].filter((c) => graph.has(c) && !shallowAll.has(c)),
  };
}

/** Every commit reachable from `tips`, not looking past `stops`. */
function ancestors(repo: LocalRepo, tips: readonly string[], stops: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...tips];
  while (stack.length > 0) {
    const c = stack.pop() as string;
    if (seen.has(c)) continue;
    seen.add(c);
    if (stops.has(c)) continue;
    for (const p of parentsOf(repo, c)) if (!seen.has(p)) stack.push(p);
  }
  return seen;
}

async function resolveAll(repo: LocalRepo, names: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    const candidates = /^[0-9a-f]{40}$/.test(name) ? [name] : [name, `refs/heads/${name}`, `refs/tags/${name}`];
    for (const c of candidates) {
      const oid = /^[0-9a-f]{40}$/.test(c) ? c : await repo.resolve(c);
      if (oid && (repo.has(oid))) {
        out.push(repo.peel(oid));
        break;
      }
    }
  }
  return out;
}

interface HeapEntry {
  oid: string;
  time: number;
  uninteresting: boolean;
}

/** Max-heap on commit time: newest first, as rev-list's date order. */
class CommitHeap {
  private readonly a: HeapEntry[] = [];

  push(e: HeapEntry): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as HeapEntry).time >= e.time) break;
      a[i] = a[parent] as HeapEntry;
      i = parent;
    }
    a[i] = e;
  }

  pop(): HeapEntry | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const mt = () => (m === i ? last.time : (a[m] as HeapEntry).time);
        if (l < a.length && (a[l] as HeapEntry).time > mt()) m = l;
        if (r < a.length && (a[r] as HeapEntry).time > mt()) m = r;
        if (m === i) break;
        a[i] = a[m] as HeapEntry;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

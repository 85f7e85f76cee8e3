/**
 * A three-way tree merge with an explicit base, which isomorphic-git does not
 * export: rebase needs it to replay a commit (base = the commit's parent) and
 * merge to join two heads (base = their merge base).
 *
 * One `walk` over three TREE walkers (base, ours, theirs). Per path: identical
 * sides, or a change on one side only, settle the path without looking
 * inside it (whole subtrees are taken and not walked); two different changes
 * to a file go to a line-level diff3 (merge3-lines.ts); anything else is a
 * conflict, reported with git's conflict kinds. Merged trees are written as
 * the walk unwinds. Nothing is written to the work tree or index.
 */
import fs from "node:fs";
import { posix } from "node:path";
import git, { TREE, type WalkerEntry } from "isomorphic-git";
import { mergeLines, type LineMergeOptions } from "./merge3-lines.ts";

export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export interface Merge3Repo {
  fs?: typeof fs;
  gitdir: string;
  cache?: object;
}

export type ConflictKind = "content" | "add/add" | "modify/delete" | "file/directory" | "binary";

export interface Merge3Conflict {
  path: string;
  kind: ConflictKind;
  /** modify/delete: the side that deleted the path */
  deletedBy?: "ours" | "theirs";
}

export type Merge3Result = { clean: true; tree: string } | { clean: false; conflicts: Merge3Conflict[] };

interface Side {
  type: "blob" | "tree" | "commit";
  mode: string;
  oid: string;
}

interface Resolved {
  path: string;
  mode: string;
  oid: string;
  type: "blob" | "tree" | "commit";
}

/** What map hands to reduce: a settled entry, or a directory whose children decide its tree. */
type Node = { settled: Resolved } | { merge: string };

export async function merge3(
  repo: Merge3Repo,
  trees: { base: string | null; ours: string; theirs: string },
  options: LineMergeOptions = {},
): Promise<Merge3Result> {
  const base = trees.base ?? EMPTY_TREE;
  const { ours, theirs } = trees;
  if (ours === theirs || base === theirs) return { clean: true, tree: ours };
  if (base === ours) return { clean: true, tree: theirs };

  const io = { fs: repo.fs ?? fs, gitdir: repo.gitdir, cache: repo.cache ?? {} };
  const conflicts: Merge3Conflict[] = [];
  // directories settled as a whole: their children are not walked
  const settledDirs = new Set<string>();

  const map = async (path: string, entries: Array<WalkerEntry | null>): Promise<Node | null> => {
    if (path === ".") return { merge: "." };
    const [b, o, t] = await Promise.all(entries.map(describe));
    const settle = (side: Side | null): Node | null => {
      if (side?.type === "tree" || b?.type === "tree" || o?.type === "tree" || t?.type === "tree") settledDirs.add(path);
      return side ? { settled: { path, ...side } } : null;
    };
    if (same(o, t)) return settle(o ?? null);
    if (same(b, o)) return settle(t ?? null);
    if (same(b, t)) return settle(o ?? null);
    if (o?.type === "tree" && t?.type === "tree") return { merge: path };
    if (!o || !t) {
      conflicts.push({ path, kind: "modify/delete", deletedBy: o ? "theirs" : "ours" });
      return settle(null);
    }
    if (o.type === "tree" || t.type === "tree") {
      conflicts.push({ path, kind: "file/directory" });
      return settle(null);
    }
    return settle(await mergeFile(path, b?.type === "blob" ? b : null, o, t));
  };

  const mergeFile = async (path: string, b: Side | null, o: Side, t: Side): Promise<Side | null> => {
    const kind: ConflictKind = b ? "content" : "add/add";
    const mode = mergeMode(b?.mode, o.mode, t.mode);
    const textual = (m: string) => m === "100644" || m === "100755";
    if (mode === undefined || !textual(o.mode) || !textual(t.mode)) {
      if (options.favor) return options.favor === "ours" ? o : t;
      conflicts.push({ path, kind });
      return null;
    }
    const read = async (s: Side | null) =>
      s ? (await git.readBlob({ ...io, oid: s.oid })).blob : new Uint8Array(0);
    const [bb, ob, tb] = await Promise.all([read(b), read(o), read(t)]);
    const merged = mergeLines(bb, ob, tb, options);
    if (!merged.clean) {
      conflicts.push({ path, kind: merged.binary ? "binary" : kind });
      return null;
    }
    const oid = await git.writeBlob({ fs: io.fs, gitdir: io.gitdir, blob: merged.content });
    return { type: "blob", mode, oid };
  };

  const iterate = async (walk: (e: unknown) => Promise<unknown>, children: IterableIterator<unknown[]>): Promise<unknown[]> => {
    const list = [...children];
    const first = list[0]?.find((p) => typeof p === "string") as string | undefined;
    if (first === undefined || settledDirs.has(posix.dirname(first))) return [];
    const out: unknown[] = [];
    for (const c of list) out.push(await walk(c));
    return out;
  };

  const reduce = async (parent: Node, children: Array<Resolved | undefined>): Promise<Resolved | undefined> => {
    if ("settled" in parent) return parent.settled;
    const entries = children.filter((c): c is Resolved => c !== undefined);
    if (entries.length === 0 && parent.merge !== ".") return undefined; // git keeps no empty directories
    const tree = entries.map((e) => ({ mode: e.mode, path: posix.basename(e.path), oid: e.oid, type: e.type }));
    const oid = await git.writeTree({ fs: io.fs, gitdir: io.gitdir, tree });
    return { path: parent.merge, mode: "040000", oid, type: "tree" };
  };

  const root = (await git.walk({
    ...io,
    trees: [TREE({ ref: base }), TREE({ ref: ours }), TREE({ ref: theirs })],
    map,
    reduce: reduce as never,
    iterate: iterate as never,
  })) as Resolved | undefined;
  if (conflicts.length > 0) return { clean: false, conflicts };
  return { clean: true, tree: root?.oid ?? EMPTY_TREE };
}

async function describe(entry: WalkerEntry | null): Promise<Side | null> {
  if (!entry) return null;
  const [type, mode, oid] = await Promise.all([entry.type(), entry.mode(), entry.oid()]);
  if (type === "special") return null;
  return { type, mode: normalMode(mode), oid };
}

function normalMode(mode: number): string {
  const m = mode.toString(8);
  return m === "40000" ? "040000" : m;
}

function same(x: Side | null | undefined, y: Side | null | undefined): boolean {
  if (!x || !y) return !x && !y;
  return x.oid === y.oid && x.mode === y.mode;
}

/** The merged file mode: a change of mode on one side wins; two different changes do not merge. */
function mergeMode(base: string | undefined, ours: string, theirs: string): string | undefined {
  if (ours === theirs) return ours;
  if (base === ours) return theirs;
  if (base === theirs) return ours;
  return undefined;
}

/**
 * The fetching half of `in`: `git clone --single-branch` into an empty
 * directory (refs, config, packs, shallow file, no checkout), the deepening
 * fetches of a shallow clone, and params.fetch's extra branches. Each fetch
 * is one upload-pack round (fetch-pack.ts) whose pack is indexed on disk.
 *
 * Tags: every tag of the remote is fetched (isomorphic-git's behaviour,
 * which jetway kept), in the same round as the branch.
 */
import fs from "node:fs";
import { join } from "node:path";
import { JetwayError } from "../../src/protocol/errors.ts";
import { fetchPack, type FetchResult } from "./fetch-pack.ts";
import { initGitDir, readShallow, writeLooseRef, writePackedRefs, writeShallow, type PackedRef } from "./git-dir.ts";
import { parseCommit } from "./objects.ts";
import { ObjectDb } from "./odb.ts";
import { fetchRefAdvertisement, type RefAdvertisement } from "./ref-advertisement.ts";
import type { ExternalObject } from "./pack-indexer.ts";
import type { Remote } from "./transport/index.ts";

export interface CloneOptions {
  /** the branch to clone; "" for the remote's default branch */
  branch: string;
  /** 0 for the whole history */
  depth: number;
  tags: boolean;
  signal?: AbortSignal;
}

export interface Clone {
  branch: string;
  tip: string;
}

export async function cloneBranch(remote: Remote, dir: string, options: CloneOptions): Promise<Clone> {
  const gitdir = join(dir, ".git");
  const ad = await fetchRefAdvertisement(remote, options.signal);
  const branch = options.branch !== "" ? options.branch : defaultBranch(ad);
  const tip = ad.refs.get(`refs/heads/${branch}`);
  if (tip === undefined) throw remoteBranchMissing(branch);
  // the URI without credentials: the synthetic transport URL means nothing outside this process
  initGitDir(gitdir, branch, remote.uri);
  const tags = options.tags ? [...ad.refs].filter(([name]) => name.startsWith("refs/tags/")) : [];
  const result = await fetchPack(
    remote,
    gitdir,
    ad.capabilities,
    { wants: [tip, ...tags.map(([, oid]) => oid)], ...(options.depth > 0 && { depth: options.depth }) },
    { ...(options.signal && { signal: options.signal }) },
  );
  applyShallow(gitdir, result);
  writeLooseRef(gitdir, `refs/heads/${branch}`, tip);
  const packed = new Map<string, PackedRef>([[`refs/remotes/origin/${branch}`, { oid: tip }]]);
  for (const [name, oid] of tags) packed.set(name, { oid, ...(ad.peeled.has(name) && { peeled: ad.peeled.get(name)! }) });
  writePackedRefs(gitdir, packed);
  return { branch, tip };
}

/**
 * One deepening fetch of the cloned branch (`git fetch --deepen N`, or with
 * `relative` false `--depth N`): the remote is listed again, as git does, so
 * the want is a ref the server still advertises.
 */
export async function deepenBranch(remote: Remote, dir: string, branch: string, depth: number, relative: boolean, signal?: AbortSignal): Promise<void> {
  const gitdir = join(dir, ".git");
  const ad = await fetchRefAdvertisement(remote, signal);
  const tip = ad.refs.get(`refs/heads/${branch}`);
  if (tip === undefined) throw remoteBranchMissing(branch);
  const local = localRef(gitdir, `refs/heads/${branch}`);
  const result = await fetchPack(
    remote,
    gitdir,
    ad.capabilities,
    { wants: [tip], haves: local ? [local] : [], shallow: readShallow(gitdir), depth, relative },
    { ...(signal && { signal }), externalBase: existingObjects(gitdir) },
  );
  applyShallow(gitdir, result);
  writeLooseRef(gitdir, `refs/remotes/origin/${branch}`, tip);
}

/**
 * params.fetch: another branch by name, resolved on the remote as git's
 * DWIM rules read it, kept as a local branch of the same name.
 */
export async function fetchExtraBranch(remote: Remote, dir: string, name: string, signal?: AbortSignal): Promise<void> {
  const gitdir = join(dir, ".git");
  const ad = await fetchRefAdvertisement(remote, signal);
  const full = [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`].find((r) => ad.refs.has(r));
  if (full === undefined) throw new JetwayError("OPERATION_FAILED", `fatal: couldn't find remote ref ${name}`, { exitCode: 128 });
  const tip = ad.refs.get(full)!;
  const db = new ObjectDb(fs, gitdir);
  if (db.read(tip) === undefined) {
    const haves = [...new Set(["HEAD", `refs/heads/${name}`].map((r) => localRef(gitdir, r)).filter((o): o is string => o !== undefined))];
    const result = await fetchPack(
      remote,
      gitdir,
      ad.capabilities,
      { wants: [tip], haves, shallow: readShallow(gitdir) },
      { ...(signal && { signal }), externalBase: existingObjects(gitdir) },
    );
    applyShallow(gitdir, result);
  }
  if (full.startsWith("refs/heads/")) writeLooseRef(gitdir, `refs/remotes/origin/${full.slice("refs/heads/".length)}`, tip);
  writeLooseRef(gitdir, `refs/heads/${name}`, tip);
}

/** The branch the remote's HEAD names (a symref, else the branch whose tip HEAD equals). */
function defaultBranch(ad: RefAdvertisement): string {
  const target = ad.symrefs.get("HEAD");
  if (target?.startsWith("refs/heads/")) return target.slice("refs/heads/".length);
  const head = ad.refs.get("HEAD");
  for (const [name, oid] of ad.refs) if (name.startsWith("refs/heads/") && oid === head) return name.slice("refs/heads/".length);
  throw new JetwayError("OPERATION_FAILED", "fatal: You are on a branch yet to be born (the remote repository is empty)", { exitCode: 128 });
}

function remoteBranchMissing(branch: string): JetwayError {
  // what git clone --single-branch --branch X says
  return new JetwayError("OPERATION_FAILED", `fatal: Remote branch ${branch} not found in upstream origin`, { exitCode: 128 });
}

/**
 * Records the server's shallow lines as isomorphic-git did: a commit joins
 * the boundary unless all its parents are already here; unshallowed ones leave.
 */
function applyShallow(gitdir: string, result: FetchResult): void {
  if (result.shallow.length === 0 && result.unshallow.length === 0) return;
  const shallow = readShallow(gitdir);
  const db = new ObjectDb(fs, gitdir);
  for (const oid of result.shallow) {
    if (shallow.has(oid)) continue;
    const commit = db.read(oid);
    if (commit?.type !== "commit") {
      shallow.add(oid);
      continue;
    }
    const parents = parseCommit(commit.content).parents;
    if (!parents.every((p) => db.read(p) !== undefined)) shallow.add(oid);
  }
  for (const oid of result.unshallow) shallow.delete(oid);
  writeShallow(gitdir, shallow);
}

function localRef(gitdir: string, name: string): string | undefined {
  const value = (() => {
    try {
      return fs.readFileSync(join(gitdir, name), "utf8").trim();
    } catch {
      return undefined;
    }
  })();
  if (value === undefined) return undefined;
  if (/^[0-9a-f]{40}$/.test(value)) return value;
  const m = /^ref: (\S+)$/.exec(value);
  return m ? localRef(gitdir, m[1]!) : undefined;
}

/** Bases for ref-deltas against objects this repository already has. */
function existingObjects(gitdir: string): (oid: string) => ExternalObject | undefined {
  const db = new ObjectDb(fs, gitdir);
  return (oid) => {
    const o = db.read(oid);
    return o ? { type: o.type, data: o.content } : undefined;
  };
}

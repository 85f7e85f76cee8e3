/**
 * The persistent object cache behind `check`: one bare repository per URI,
 * under $TMPDIR/jetway-git-cache/<sha256 of the URI without credentials>,
 * mirroring the remote's branches and tags. Each use lists the remote's refs
 * once; when they equal the listing stored after the last successful fetch,
 * nothing else crosses the network. Otherwise it fetches (all heads and
 * tags, pruned) and records the new listing.
 *
 * Concurrency: the whole use (fetch and the caller's reads) runs under an
 * exclusive lock file (`<dir>.lock`, created with O_EXCL). A temp clone
 * renamed into place would protect creation only: isomorphic-git writes packs
 * and refs in place and non-atomically, so a reader running beside a fetch
 * could see half-written files. Waiting is cheap, because the second check
 * of an unchanged remote costs one ref listing. A holder refreshes the lock's
 * mtime while it works; a lock whose process is gone (same host) or whose
 * mtime is older than `staleLockMs` is taken over by renaming it away, which
 * only one contender can win. First creation still goes through a temp
 * directory renamed into place, so a crash never leaves a half-made repository.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile, link } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import git from "isomorphic-git";
import { JetwayError, isJetwayError } from "../../src/protocol/errors.ts";
import { fetchPack } from "./fetch-pack.ts";
import { writePackedRefs } from "./git-dir.ts";
import { ObjectDb } from "./odb.ts";
import { fetchRefAdvertisement } from "./ref-advertisement.ts";
import type { Remote } from "./transport/index.ts";
import { redactUri } from "./transport/url.ts";

export interface CacheOptions {
  /** default $TMPDIR/jetway-git-cache */
  root?: string;
  signal?: AbortSignal;
  /** give up waiting for another user of the same cache after this long (default 10 min) */
  lockTimeoutMs?: number;
  /** a lock not refreshed for this long is abandoned (default 60 s) */
  staleLockMs?: number;
}

export interface AdvertisedRef {
  ref: string;
  oid: string;
  /** for symbolic refs (HEAD): the ref it points at */
  target?: string;
  /** for annotated tags: the object the tag peels to */
  peeled?: string;
}

export interface CachedRepo {
  /** the bare repository; pass as `gitdir` to isomorphic-git */
  gitdir: string;
  fs: typeof fs;
  /** an isomorphic-git cache object, reusable across calls on this repository */
  cache: object;
  /** the remote's refs as listed for this use (HEAD carries `target`) */
  refs: AdvertisedRef[];
  /** false when the remote was unchanged and nothing was fetched */
  fetched: boolean;
}

const SNAPSHOT = "jetway-remote-refs.json";
const FETCH_ATTEMPTS = 3;

export function cacheDirFor(uri: string, root: string = defaultRoot()): string {
  const key = createHash("sha256").update(redactUri(uri)).digest("hex").slice(0, 40);
  return join(root, `${key}.git`);
}

function defaultRoot(): string {
  return join(process.env.TMPDIR ?? tmpdir(), "jetway-git-cache");
}

export async function withCachedRepo<T>(
  uri: string,
  remote: Remote,
  options: CacheOptions,
  fn: (repo: CachedRepo) => Promise<T>,
): Promise<T> {
  const root = options.root ?? defaultRoot();
  await mkdir(root, { recursive: true, mode: 0o700 });
  const gitdir = cacheDirFor(uri, root);
  const lock = await acquireLock(`${gitdir}.lock`, options);
  try {
    await ensureRepo(gitdir);
    let state: { refs: AdvertisedRef[]; fetched: boolean };
    try {
      state = await refresh(gitdir, remote);
    } catch (e) {
      // network, auth and abort errors say nothing about the cache; anything else may be a damaged cache
      if (isJetwayError(e)) throw e;
      await rm(gitdir, { recursive: true, force: true });
      await ensureRepo(gitdir);
      state = await refresh(gitdir, remote);
    }
    return await fn({ gitdir, fs, cache: {}, refs: state.refs, fetched: state.fetched });
  } finally {
    await lock.release();
  }
}

async function ensureRepo(gitdir: string): Promise<void> {
  if (await exists(join(gitdir, "HEAD"))) return;
  // leftovers of a creation that crashed; only the lock holder gets here
  const parent = dirname(gitdir);
  for (const name of await readdir(parent)) {
    if (name.startsWith(`${basename(gitdir)}.tmp-`)) await rm(join(parent, name), { recursive: true, force: true });
  }
  await rm(gitdir, { recursive: true, force: true });
  const tmp = `${gitdir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await git.init({ fs, gitdir: tmp, bare: true });
  // a mirror of heads and tags; the remote's URL is passed per call and never stored
  await git.setConfig({ fs, gitdir: tmp, path: "remote.origin.fetch", value: "+refs/heads/*:refs/heads/*" });
  await rename(tmp, gitdir);
}

async function refresh(gitdir: string, remote: Remote): Promise<{ refs: AdvertisedRef[]; fetched: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const refs = await listRemote(remote);
    const snapshot = JSON.stringify(refs);
    const previous = await readFile(join(gitdir, SNAPSHOT), "utf8").catch(() => undefined);
    if (previous === snapshot) return { refs, fetched: false };
    await unlink(join(gitdir, SNAPSHOT)).catch(() => {});
    const heads = refs.filter((r) => r.ref.startsWith("refs/heads/") || r.ref.startsWith("refs/tags/"));
    if (heads.length > 0) {
      await mirror(gitdir, remote, heads);
    } else {
      await clearRefs(gitdir);
    }
    const head = refs.find((r) => r.ref === "HEAD")?.target;
    if (head && heads.some((r) => r.ref === head)) {
      await git.writeRef({ fs, gitdir, ref: "HEAD", value: head, symbolic: true, force: true });
    }
    // the remote may have moved between our listing and the fetch's own: record only what is really here
    if (await matches(gitdir, heads)) {
      await writeAtomic(join(gitdir, SNAPSHOT), snapshot);
      return { refs, fetched: true };
    }
    if (attempt >= FETCH_ATTEMPTS) {
      throw new JetwayError("OPERATION_FAILED", `the refs of ${remote.uri} kept changing during ${FETCH_ATTEMPTS} fetches`);
    }
  }
}

/** The remote's refs, HEAD first then by name: the order `git ls-remote` prints them in. */
export async function listRemote(remote: Remote): Promise<AdvertisedRef[]> {
  // protocol v1: one request returns every ref with HEAD's target and peeled tags
  const refs = await git.listServerRefs({
    http: remote.http,
    url: remote.url,
    protocolVersion: 1,
    symrefs: true,
    peelTags: true,
    ...(remote.onAuth ? { onAuth: remote.onAuth } : {}),
  });
  return refs
    .map((r) => ({
      ref: r.ref,
      oid: r.oid,
      ...(r.target !== undefined ? { target: r.target } : {}),
      ...(r.peeled !== undefined ? { peeled: r.peeled } : {}),
    }))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

async function matches(gitdir: string, expected: AdvertisedRef[]): Promise<boolean> {
  const local = await localRefs(gitdir);
  if (local.size !== expected.length) return false;
  return expected.every((r) => local.get(r.ref) === r.oid);
}

/**
 * Brings the cache to the remote's heads and tags: one upload-pack round that
 * wants exactly the advertised tips (tag objects, never their peeled commits:
 * a protocol-v0 server such as git-upload-pack over ssh refuses wants that are
 * not ref tips), then the refs rewritten, pruning what the remote dropped.
 */
async function mirror(gitdir: string, remote: Remote, heads: AdvertisedRef[]): Promise<void> {
  const db = new ObjectDb(fs, gitdir);
  const wants = [...new Set(heads.map((r) => r.oid))].filter((oid) => db.read(oid) === undefined);
  if (wants.length > 0) {
    const haves = [...new Set((await localRefs(gitdir)).values())].filter((oid) => db.read(oid) !== undefined);
    const ad = await fetchRefAdvertisement(remote);
    await fetchPack(remote, gitdir, ad.capabilities, { wants, haves }, {
      externalBase: (oid) => {
        const o = db.read(oid);
        return o ? { type: o.type, data: o.content } : undefined;
      },
    });
  }
  await clearRefs(gitdir);
  writePackedRefs(gitdir, new Map(heads.map((r) => [r.ref, { oid: r.oid, ...(r.peeled !== undefined && { peeled: r.peeled }) }])));
}

async function localRefs(gitdir: string): Promise<Map<string, string>> {
  const local = new Map<string, string>();
  for (const prefix of ["refs/heads", "refs/tags"]) {
    for (const name of await git.listRefs({ fs, gitdir, filepath: prefix })) {
      // isomorphic-git lists packed-refs' peeled lines as "<tag>^{}"
      if (name.endsWith("^{}")) continue;
      local.set(`${prefix}/${name}`, await git.resolveRef({ fs, gitdir, ref: `${prefix}/${name}`, depth: 1 }));
    }
  }
  return local;
}

async function clearRefs(gitdir: string): Promise<void> {
  // the cache holds nothing but heads and tags, loose or packed
  await rm(join(gitdir, "packed-refs"), { force: true });
  for (const prefix of ["refs/heads", "refs/tags"]) {
    await rm(join(gitdir, prefix), { recursive: true, force: true });
    await mkdir(join(gitdir, prefix), { recursive: true });
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- lock

interface LockInfo {
  pid: number;
  host: string;
  token: string;
}

interface HeldLock {
  release(): Promise<void>;
}

async function acquireLock(path: string, options: CacheOptions): Promise<HeldLock> {
  const staleMs = options.staleLockMs ?? 60_000;
  const deadline = Date.now() + (options.lockTimeoutMs ?? 600_000);
  const me: LockInfo = { pid: process.pid, host: hostname(), token: randomBytes(8).toString("hex") };
  let wait = 20;
  for (;;) {
    if (options.signal?.aborted) throw new JetwayError("ABORTED", "aborted");
    try {
      const handle = await open(path, "wx", 0o600);
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return heldLock(path, me, staleMs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (await takeOverIfStale(path, staleMs)) continue;
    if (Date.now() > deadline) {
      throw new JetwayError("OPERATION_FAILED", `timed out waiting for the git cache lock ${path} held by another check`);
    }
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 250);
  }
}

function heldLock(path: string, me: LockInfo, staleMs: number): HeldLock {
  // keep the mtime fresh so a long fetch is never mistaken for a dead holder
  const beat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, Math.max(50, Math.floor(staleMs / 4)));
  beat.unref();
  return {
    async release() {
      clearInterval(beat);
      const current = await readLock(path);
      if (current?.token === me.token) await unlink(path).catch(() => {});
    },
  };
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

async function takeOverIfStale(path: string, staleMs: number): Promise<boolean> {
  let info: LockInfo | undefined;
  let mtime: number;
  try {
    mtime = (await stat(path)).mtimeMs;
    info = await readLock(path);
  } catch {
    return true; // released meanwhile: try again at once
  }
  const deadHolder = info !== undefined && info.host === hostname() && !processAlive(info.pid);
  // a lock file still empty is being written by its creator, unless it has been so for long
  if (!deadHolder && Date.now() - mtime < staleMs) return false;
  const aside = `${path}.stale-${randomBytes(4).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch {
    return true; // someone else took it over first
  }
  const moved = await readLock(aside);
  if (info !== undefined && moved?.token !== info.token) {
    // we moved a fresh lock that replaced the stale one: put it back unless yet another exists
    await link(aside, path).catch(() => {});
  }
  await unlink(aside).catch(() => {});
  return true;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

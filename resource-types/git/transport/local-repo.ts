/**
 * Read access to a repository on disk for the JS upload-pack/receive-pack:
 * where its git directory is, its refs as a server advertises them, and its
 * objects parsed just enough to walk history (parents, trees, dates).
 */
import fs from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import git from "isomorphic-git";
import { JetwayError } from "../../../src/protocol/errors.ts";
import { ObjectStore, type GitObject } from "./object-store.ts";

export const ZERO_OID = "0000000000000000000000000000000000000000";

export interface RepoRefs {
  /** name -> oid, in advertisement order (HEAD first, then sorted refs) */
  refs: Array<[name: string, oid: string]>;
  /** refs/tags/* that name tag objects -> the object they peel to */
  peeled: Map<string, string>;
  /** HEAD's target branch, when HEAD is a symbolic ref */
  headTarget?: string;
}

export interface CommitInfo {
  tree: string;
  parents: string[];
  /** committer time, seconds since the epoch */
  time: number;
}

export interface TreeEntry {
  oid: string;
  kind: "tree" | "blob" | "commit";
}

export class LocalRepo {
  readonly gitdir: string;
  /** a work tree exists, so its checked-out branch must not move under it */
  readonly bare: boolean;
  /** isomorphic-git's cache, for the few operations still done through it */
  readonly cache: object = {};
  readonly store: ObjectStore;
  private readonly commits = new Map<string, CommitInfo>();

  private constructor(gitdir: string, bare: boolean) {
    this.gitdir = gitdir;
    this.bare = bare;
    this.store = new ObjectStore(join(gitdir, "objects"));
  }

  /** Finds the git directory for `path`, as git does: path/.git, path itself, or path.git. */
  static async open(path: string): Promise<LocalRepo> {
    for (const [candidate, bare] of [
      [join(path, ".git"), false],
      [path, true],
      [`${path}.git`, true],
    ] as const) {
      if ((await isDir(join(candidate, "objects"))) && (await exists(join(candidate, "HEAD")))) {
        return new LocalRepo(candidate, bare && !(await exists(join(candidate, "index"))));
      }
    }
    throw new JetwayError("OPERATION_FAILED", `'${path}' does not appear to be a git repository`);
  }

  async listRefs(includeHead: boolean): Promise<RepoRefs> {
    const names = (await git.listRefs({ fs, gitdir: this.gitdir, filepath: "refs" })).map((n) => `refs/${n}`).sort();
    const refs: Array<[string, string]> = [];
    const peeled = new Map<string, string>();
    let headTarget: string | undefined;
    if (includeHead) {
      const head = (await fs.promises.readFile(join(this.gitdir, "HEAD"), "utf8")).trim();
      if (head.startsWith("ref: ")) headTarget = head.slice(5).trim();
      const oid = await this.resolve("HEAD");
      if (oid) refs.push(["HEAD", oid]);
    }
    for (const name of names) {
      const oid = await this.resolve(name);
      if (!oid) continue;
      refs.push([name, oid]);
      if (name.startsWith("refs/tags/")) {
        const target = this.peel(oid);
        if (target !== oid) peeled.set(name, target);
      }
    }
    return headTarget === undefined ? { refs, peeled } : { refs, peeled, headTarget };
  }

  async resolve(ref: string): Promise<string | undefined> {
    try {
      return await git.resolveRef({ fs, gitdir: this.gitdir, ref });
    } catch {
      return undefined;
    }
  }

  read(oid: string): GitObject {
    return this.store.read(oid);
  }

  has(oid: string): boolean {
    return this.store.has(oid);
  }

  commit(oid: string): CommitInfo {
    const hit = this.commits.get(oid);
    if (hit) return hit;
    const o = this.read(oid);
    if (o.type !== "commit") throw new JetwayError("OPERATION_FAILED", `object ${oid} is a ${o.type}, not a commit`);
    const info = parseCommit(o.data);
    this.commits.set(oid, info);
    return info;
  }

  /** Follows tag objects to what they finally name. */
  peel(oid: string): string {
    for (let i = 0; i < 32; i++) {
      const o = this.read(oid);
      if (o.type !== "tag") return oid;
      oid = parseTagTarget(o.data);
    }
    throw new JetwayError("OPERATION_FAILED", `tag chain at ${oid} is too long`);
  }

  close(): void {
    this.store.close();
  }
}

export function parseCommit(data: Uint8Array): CommitInfo {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  const end = text.indexOf("\n\n");
  let tree = "";
  const parents: string[] = [];
  let time = 0;
  for (const line of (end === -1 ? text : text.slice(0, end)).split("\n")) {
    if (line.startsWith("tree ")) tree = line.slice(5, 45);
    else if (line.startsWith("parent ")) parents.push(line.slice(7, 47));
    else if (line.startsWith("committer ")) {
      const m = /> (-?\d+) [+-]\d{4}$/.exec(line);
      if (m) time = Number(m[1]);
    }
  }
  return { tree, parents, time };
}

export function parseTagTarget(data: Uint8Array): string {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  const m = /^object ([0-9a-f]{40})/.exec(text);
  if (!m?.[1]) throw new JetwayError("OPERATION_FAILED", "malformed tag object");
  return m[1];
}

export function parseTree(data: Uint8Array): TreeEntry[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < buf.length) {
    const space = buf.indexOf(0x20, i);
    const nul = buf.indexOf(0, space);
    if (space === -1 || nul === -1 || nul + 21 > buf.length) throw new JetwayError("OPERATION_FAILED", "malformed tree object");
    const mode = buf.toString("latin1", i, space);
    const oid = buf.toString("hex", nul + 1, nul + 21);
    out.push({ oid, kind: mode === "40000" || mode === "040000" ? "tree" : mode === "160000" ? "commit" : "blob" });
    i = nul + 21;
  }
  return out;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

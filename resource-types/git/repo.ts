/**
 * A repository opened with isomorphic-git (no git binary): the object and ref
 * reads that history and metadata need, memoised for one operation. Both a
 * bare cache and a clone's .git work; `gitdir` is that directory.
 */
import * as fsModule from "node:fs";
import git from "isomorphic-git";
import { parseCommit, parseTag, type CommitObject, type TagObject } from "./objects.ts";
import { ObjectDb, type RawObject } from "./odb.ts";
import { RefStore } from "./refs.ts";

export interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: "blob" | "tree" | "commit";
}

export interface RefEntry {
  /** full name, e.g. refs/tags/v1.0 */
  name: string;
  /** what the ref points at (a tag object for an annotated tag) */
  oid: string;
}

export class GitRepo {
  readonly fs: typeof fsModule;
  readonly gitdir: string;
  /** isomorphic-git's pack cache, for the reads it still does (refs, objects our reader cannot find) */
  readonly cache: object = {};
  private readonly odb: ObjectDb;
  private readonly refs: RefStore;
  private readonly commits = new Map<string, Promise<CommitObject>>();
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();
  private readonly tags = new Map<string, Promise<TagObject>>();
  private readonly shallow: ReadonlySet<string>;

  constructor(gitdir: string, fs: typeof fsModule = fsModule) {
    this.gitdir = gitdir;
    this.fs = fs;
    this.odb = new ObjectDb(fs, gitdir);
    this.refs = new RefStore(fs, gitdir);
    this.shallow = readShallowSync(fs, gitdir);
  }

  /** An object's type and content: our pack reader first, isomorphic-git for anything it cannot see. */
  async readRaw(oid: string): Promise<RawObject | undefined> {
    // a fetch since the packs were listed may have brought it
    const own = this.odb.read(oid) ?? (this.odb.rescan() ? this.odb.read(oid) : undefined);
    if (own) return own;
    try {
      const o = await git.readObject({ ...this.opts(), oid, format: "content" });
      return { type: o.type as RawObject["type"], content: Buffer.from(o.object as Uint8Array) };
    } catch {
      return undefined;
    }
  }

  private opts() {
    return { fs: this.fs, gitdir: this.gitdir, cache: this.cache };
  }

  async objectType(oid: string): Promise<string | undefined> {
    return (await this.readRaw(oid))?.type;
  }

  private async content(oid: string, want: string): Promise<Uint8Array> {
    const o = await this.readRaw(oid);
    if (!o) throw new Error(`object ${oid} is missing`);
    if (o.type !== want) throw new Error(`object ${oid} is a ${o.type}, not a ${want}`);
    return o.content;
  }

  readCommit(oid: string): Promise<CommitObject> {
    let p = this.commits.get(oid);
    if (!p) {
      // in a shallow clone the boundary commits' parents are absent: git treats them as roots
      const boundary = this.shallow.has(oid);
      p = this.content(oid, "commit")
        .then(parseCommit)
        .then((c) => (boundary ? { ...c, parents: [] } : c));
      this.commits.set(oid, p);
    }
    return p;
  }

  readTag(oid: string): Promise<TagObject> {
    let p = this.tags.get(oid);
    if (!p) {
      p = this.content(oid, "tag").then(parseTag);
      this.tags.set(oid, p);
    }
    return p;
  }

  readTree(oid: string): Promise<TreeEntry[]> {
    let p = this.trees.get(oid);
    if (!p) {
      p = this.content(oid, "tree").then(parseTree);
      this.trees.set(oid, p);
    }
    return p;
  }

  /** Follows tag objects down to what they finally name, and that object's type. */
  async peel(oid: string): Promise<{ oid: string; type: string } | undefined> {
    let current = oid;
    for (let hops = 0; hops < 32; hops++) {
      const type = await this.objectType(current);
      if (type !== "tag") return type === undefined ? undefined : { oid: current, type };
      current = (await this.readTag(current)).object;
    }
    return undefined;
  }

  /** The commit an object peels to, or undefined when it is not one. */
  async peelToCommit(oid: string): Promise<string | undefined> {
    const p = await this.peel(oid);
    return p?.type === "commit" ? p.oid : undefined;
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    const own = this.refs.resolve(ref);
    if (own) return own;
    try {
      return await git.resolveRef({ fs: this.fs, gitdir: this.gitdir, ref });
    } catch {
      return undefined;
    }
  }

  /** Every ref under `prefix`/ with its target, sorted by name as git iterates them. */
  async listRefs(prefix = "refs"): Promise<RefEntry[]> {
    const out: RefEntry[] = [];
    for (const [name, oid] of this.refs.all()) if (name.startsWith(prefix + "/")) out.push({ name, oid });
    return out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  /** A full object id for a full or abbreviated hex name, when it names exactly one object. */
  async expandOid(prefix: string): Promise<string | undefined> {
    const found = this.odb.withPrefix(prefix.toLowerCase());
    if (found.length > 0) return found.length === 1 ? found[0] : undefined;
    try {
      return await git.expandOid({ ...this.opts(), oid: prefix.toLowerCase() });
    } catch {
      return undefined;
    }
  }

  /**
   * A revision as `git rev-parse` reads the forms check and describe meet: a
   * hex object name (4+ digits), HEAD, or a ref name with git's DWIM order.
   */
  async revParse(rev: string): Promise<string | undefined> {
    if (/^[0-9a-fA-F]{40}$/.test(rev)) return (await this.objectType(rev.toLowerCase())) ? rev.toLowerCase() : undefined;
    // isomorphic-git tries the same DWIM list as git: name, refs/, refs/tags/, refs/heads/, refs/remotes/...
    const oid = await this.resolveRef(rev);
    if (oid) return oid;
    if (/^[0-9a-fA-F]{4,39}$/.test(rev)) return this.expandOid(rev);
    return undefined;
  }
}

/** Tree entries: "<mode> <name>\0<20-byte id>", repeated. */
function parseTree(buf: Uint8Array): TreeEntry[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: TreeEntry[] = [];
  let p = 0;
  while (p < b.length) {
    const sp = b.indexOf(0x20, p);
    const nul = b.indexOf(0, sp);
    const raw = b.toString("latin1", p, sp);
    // spelled as isomorphic-git spells it, so entries can go back into its writeTree
    const mode = raw === "40000" ? "040000" : raw;
    const type = mode === "040000" ? "tree" : mode === "160000" ? "commit" : "blob";
    out.push({ mode, path: b.toString("utf8", sp + 1, nul), oid: b.toString("hex", nul + 1, nul + 21), type });
    p = nul + 21;
  }
  return out;
}

/** The commits listed in `shallow` (a shallow clone's boundary), read once per GitRepo. */
function readShallowSync(fs: typeof fsModule, gitdir: string): ReadonlySet<string> {
  try {
    return new Set(fs.readFileSync(`${gitdir}/shallow`, "utf8").split("\n").filter((l) => l.length === 40));
  } catch {
    return new Set();
  }
}

/**
 * The refs of a files-backend repository, read directly: packed-refs, then
 * loose files under refs/ (which win), symbolic refs followed. isomorphic-git
 * re-reads packed-refs for every ref it resolves, which a tag-mode check over
 * thousands of tags cannot afford; here one listing reads it once. Nothing is
 * kept between calls, so refs moved meanwhile (a push) are seen.
 */
import type * as fsModule from "node:fs";
import { join } from "node:path";

const MAX_SYMREF_DEPTH = 5;

export class RefStore {
  private readonly fs: typeof fsModule;
  private readonly gitdir: string;
  /** where refs/ and packed-refs live (a linked worktree shares them via commondir) */
  private readonly common: string;

  constructor(fs: typeof fsModule, gitdir: string) {
    this.fs = fs;
    this.gitdir = gitdir;
    let common = gitdir;
    try {
      common = join(gitdir, fs.readFileSync(join(gitdir, "commondir"), "utf8").trim());
    } catch {
      // an ordinary repository
    }
    this.common = common;
  }

  /** Every ref under refs/ with the object it names, symbolic refs resolved. */
  all(): Map<string, string> {
    const raw = new Map<string, string>();
    try {
      for (const line of this.fs.readFileSync(join(this.common, "packed-refs"), "utf8").split("\n")) {
        const m = /^([0-9a-f]{40}) (refs\/\S.*)$/.exec(line);
        if (m) raw.set(m[2]!, m[1]!);
      }
    } catch {
      // no packed refs
    }
    const walk = (dir: string, prefix: string) => {
      let entries: fsModule.Dirent[];
      try {
        entries = this.fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const name = `${prefix}/${e.name}`;
        if (e.isDirectory()) walk(join(dir, e.name), name);
        else if (e.isFile() && !e.name.endsWith(".lock")) {
          try {
            raw.set(name, this.fs.readFileSync(join(dir, e.name), "utf8").trim());
          } catch {
            // vanished while listing
          }
        }
      }
    };
    walk(join(this.common, "refs"), "refs");
    const resolved = new Map<string, string>();
    for (const name of raw.keys()) {
      const oid = this.follow(raw, raw.get(name)!);
      if (oid) resolved.set(name, oid);
    }
    return resolved;
  }

  private follow(raw: Map<string, string>, value: string): string | undefined {
    let v = value;
    for (let depth = 0; depth < MAX_SYMREF_DEPTH; depth++) {
      if (/^[0-9a-f]{40}$/.test(v)) return v;
      const m = /^ref: (\S+)$/.exec(v);
      if (!m) return undefined;
      const target = m[1]!;
      const next = target === "HEAD" ? this.headValue() : raw.get(target);
      if (next === undefined) return undefined;
      v = next;
    }
    return undefined;
  }

  private headValue(): string | undefined {
    try {
      return this.fs.readFileSync(join(this.gitdir, "HEAD"), "utf8").trim();
    } catch {
      return undefined;
    }
  }

  /** A ref by name with git's DWIM order (name, refs/name, refs/tags/, refs/heads/, refs/remotes/, .../HEAD); HEAD too. */
  resolve(name: string): string | undefined {
    const refs = this.all();
    if (name === "HEAD") {
      const head = this.headValue();
      return head === undefined ? undefined : this.follow(refs, head);
    }
    for (const candidate of [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`]) {
      const oid = refs.get(candidate);
      if (oid) return oid;
    }
    // other top-level refs (FETCH_HEAD, ORIG_HEAD) are files in the git dir
    if (/^[A-Z_]+$/.test(name)) {
      try {
        const first = this.fs.readFileSync(join(this.gitdir, name), "utf8").split("\n")[0]!.trim();
        return this.follow(refs, first.slice(0, 40));
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

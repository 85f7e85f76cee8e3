/**
 * Test-only: the behaviour every transport must show through isomorphic-git
 * (clone, incremental fetch, shallow fetch and deepening, push with its
 * rejections), run by each transport's test file against its real server.
 * The git CLI checks the results from outside (fsck, rev-parse).
 */
import fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { expect, it } from "vitest";
import { gitCli, makeFixtureRepo, tempDir, type FixtureRepo } from "../../../test/support/git-servers.ts";
import { openRemote, type Remote, type RemoteOptions } from "./index.ts";

export interface TransportUnderTest {
  /** where repositories must live to be served */
  reposRoot: string;
  uriFor(repoPath: string): string;
  options: RemoteOptions;
  /** after the git CLI changed a served repository (SSH: hand it back to the login user) */
  prepare(path: string): void;
}

export const AUTHOR = { name: "Jetway Push", email: "push@jetway.invalid", timestamp: 1_700_000_000, timezoneOffset: 0 };

let counter = 0;

/** A served bare repository with two branches, a merge and both kinds of tag. */
export function servedFixture(t: TransportUnderTest): FixtureRepo & { bare: string } {
  const repo = makeFixtureRepo({
    dir: join(t.reposRoot, `fixture-${process.pid}-${++counter}`),
    bare: true,
    steps: [
      { commit: "first", files: { "README.md": "hello\n", "src/a.txt": "a\n" } },
      { commit: "second", files: { "src/b.txt": "b\n" } },
      { branch: "feature" },
      { commit: "feature work", files: { "src/a.txt": "a2\n" } },
      { checkout: "main" },
      { commit: "third", files: { "docs/x.md": "x\n" } },
      { merge: "feature" },
      { tag: "v1.0.0" },
      { tag: "v1.1.0", message: "annotated release" },
      { commit: "fourth", files: { "src/deep/dir/c.txt": "c\n" } },
      { commit: "fifth", files: { "README.md": null } },
    ],
  }) as FixtureRepo & { bare: string };
  t.prepare(repo.bare);
  return repo;
}

/** Adds commits to the served bare repository through its work tree. */
export function advance(t: TransportUnderTest, repo: FixtureRepo & { bare: string }, n: number, branch = "main"): string {
  repo.git("checkout", "-q", branch);
  // the bare repository may have moved on through pushes
  repo.git("fetch", "-q", repo.bare, branch);
  repo.git("reset", "-q", "--hard", "FETCH_HEAD");
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(join(repo.dir, `more-${Date.now()}-${i}.txt`), `${i}\n`);
    repo.git("add", "-A");
    repo.git("-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", `more ${i}`);
  }
  repo.git("push", "-q", repo.bare, branch);
  t.prepare(repo.bare);
  return repo.rev(branch);
}

export async function withRemote<T>(uri: string, options: RemoteOptions, fn: (r: Remote) => Promise<T>): Promise<T> {
  const remote = await openRemote(uri, options);
  try {
    return await fn(remote);
  } finally {
    await remote.close();
  }
}

export function conformance(get: () => TransportUnderTest): void {
  it("clones every branch and tag, and the result passes git fsck", async () => {
    const t = get();
    const repo = servedFixture(t);
    const dir = join(tempDir("clone"), "c");
    await withRemote(t.uriFor(repo.bare), t.options, (r) => git.clone({ fs, http: r.http, dir, url: r.url }));
    expect(gitCli(dir, ["rev-parse", "HEAD"]).trim()).toBe(repo.rev("main"));
    expect(gitCli(dir, ["rev-parse", "refs/remotes/origin/feature"]).trim()).toBe(repo.rev("feature"));
    expect(gitCli(dir, ["tag", "-l"]).trim().split("\n")).toEqual(["v1.0.0", "v1.1.0"]);
    expect(gitCli(dir, ["cat-file", "-t", "v1.1.0"]).trim()).toBe("tag");
    gitCli(dir, ["fsck", "--strict", "--no-progress"]);
    expect(fs.readFileSync(join(dir, "src/deep/dir/c.txt"), "utf8")).toBe("c\n");
  });

  it("fetches only what is new, over one Remote reused for several calls", async () => {
    const t = get();
    const repo = servedFixture(t);
    const dir = join(tempDir("fetch"), "c");
    await withRemote(t.uriFor(repo.bare), t.options, async (r) => {
      await git.clone({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main" });
      const packsBefore = fs.readdirSync(join(dir, ".git/objects/pack")).filter((f) => f.endsWith(".pack")).length;
      const head = advance(t, repo, 2);
      const res = await git.fetch({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main" });
      expect(res.fetchHead).toBe(head);
      const packs = fs.readdirSync(join(dir, ".git/objects/pack")).filter((f) => f.endsWith(".pack"));
      expect(packs.length).toBe(packsBefore + 1);
      // the new pack holds the two commits, their trees and blobs: nothing already present
      const newest = packs.map((p) => join(dir, ".git/objects/pack", p)).sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs).at(-1) as string;
      const count = gitCli(dir, ["verify-pack", "-v", newest.replace(/\.pack$/, ".idx")])
        .split("\n")
        .filter((l) => /^[0-9a-f]{40} (commit|tree|blob|tag)/.test(l)).length;
      expect(count).toBe(6);
      // nothing new: an empty fetch
      const again = await git.fetch({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main" });
      expect(again.fetchHead).toBe(head);
    });
    gitCli(dir, ["fsck", "--strict", "--no-progress"]);
  });

  it("clones shallow and deepens, as `in` with depth does", async () => {
    const t = get();
    const repo = servedFixture(t);
    const dir = join(tempDir("shallow"), "c");
    await withRemote(t.uriFor(repo.bare), t.options, async (r) => {
      await git.clone({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main", depth: 1 });
      expect(gitCli(dir, ["rev-list", "--count", "HEAD"]).trim()).toBe("1");
      expect(fs.readFileSync(join(dir, ".git/shallow"), "utf8").trim()).toBe(repo.rev("main"));
      await git.fetch({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main", depth: 3 });
      expect(gitCli(dir, ["rev-list", "--count", "HEAD"]).trim()).toBe("3");
      await git.fetch({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main", depth: 2, relative: true });
      // two more generations behind the merge at the old boundary: third, feature work, second
      expect(gitCli(dir, ["rev-list", "--count", "HEAD"]).trim()).toBe("6");
      // deep enough to reach the root: no longer shallow
      await git.fetch({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main", depth: 100 });
      expect(fs.existsSync(join(dir, ".git/shallow")) ? fs.readFileSync(join(dir, ".git/shallow"), "utf8").trim() : "").toBe("");
    });
    expect(gitCli(dir, ["rev-list", "--count", "HEAD"]).trim()).toBe(repo.git("rev-list", "--count", "main").trim());
    gitCli(dir, ["fsck", "--no-progress"]);
  });

  it("pushes commits, new branches and annotated tags; refuses a non-fast-forward unless forced", async () => {
    const t = get();
    const repo = servedFixture(t);
    const dir = join(tempDir("push"), "c");
    await withRemote(t.uriFor(repo.bare), t.options, async (r) => {
      await git.clone({ fs, http: r.http, dir, url: r.url });
      fs.writeFileSync(join(dir, "pushed.txt"), "pushed\n");
      await git.add({ fs, dir, filepath: "pushed.txt" });
      const c1 = await git.commit({ fs, dir, message: "pushed commit", author: AUTHOR });
      await git.push({ fs, http: r.http, dir, url: r.url, ref: "main" });
      expect(gitCli(repo.bare, ["rev-parse", "main"]).trim()).toBe(c1);

      await git.branch({ fs, dir, ref: "topic" });
      await git.push({ fs, http: r.http, dir, url: r.url, ref: "topic" });
      expect(gitCli(repo.bare, ["rev-parse", "topic"]).trim()).toBe(c1);

      await git.annotatedTag({ fs, dir, ref: "v2", message: "two", tagger: AUTHOR });
      await git.push({ fs, http: r.http, dir, url: r.url, ref: "refs/tags/v2" });
      expect(gitCli(repo.bare, ["cat-file", "-t", "v2"]).trim()).toBe("tag");
      expect(gitCli(repo.bare, ["rev-parse", "v2^{commit}"]).trim()).toBe(c1);

      // someone else moves main; our rewritten history must not replace it
      t.prepare(repo.bare);
      const theirs = advance(t, repo, 1);
      await git.writeRef({ fs, dir, ref: "refs/heads/main", value: c1, force: true });
      fs.writeFileSync(join(dir, "mine.txt"), "mine\n");
      await git.add({ fs, dir, filepath: "mine.txt" });
      const mine = await git.commit({ fs, dir, message: "diverged", author: AUTHOR });
      await expect(git.push({ fs, http: r.http, dir, url: r.url, ref: "main" })).rejects.toThrow(/not-fast-forward|fast-forward/);
      expect(gitCli(repo.bare, ["rev-parse", "main"]).trim()).toBe(theirs);
      await git.push({ fs, http: r.http, dir, url: r.url, ref: "main", force: true });
      expect(gitCli(repo.bare, ["rev-parse", "main"]).trim()).toBe(mine);

      await git.push({ fs, http: r.http, dir, url: r.url, ref: "topic", delete: true });
      expect(gitCli(repo.bare, ["branch", "--list", "topic"]).trim()).toBe("");
    });
    gitCli(repo.bare, ["fsck", "--strict", "--no-progress"]);
  });

  it("pushes into an empty repository", async () => {
    const t = get();
    const bare = join(t.reposRoot, `empty-${process.pid}-${++counter}.git`);
    gitCli(t.reposRoot, ["init", "-q", "--bare", bare]);
    t.prepare(bare);
    const dir = join(tempDir("push-empty"), "c");
    await git.init({ fs, dir, defaultBranch: "main" });
    fs.writeFileSync(join(dir, "f.txt"), "f\n");
    await git.add({ fs, dir, filepath: "f.txt" });
    const oid = await git.commit({ fs, dir, message: "root", author: AUTHOR });
    await withRemote(t.uriFor(bare), t.options, async (r) => {
      // an empty remote advertises no refs: clone then gives an empty repository
      const refs = await git.listServerRefs({ http: r.http, url: r.url, protocolVersion: 1 });
      expect(refs).toEqual([]);
      await git.push({ fs, http: r.http, dir, url: r.url, ref: "main" });
    });
    expect(gitCli(bare, ["rev-parse", "main"]).trim()).toBe(oid);
    gitCli(bare, ["fsck", "--strict", "--no-progress"]);
  });

  it("names a missing repository in a one-line error", async () => {
    const t = get();
    const missing = join(t.reposRoot, "no-such-repo.git");
    const err = await withRemote(t.uriFor(missing), t.options, (r) =>
      git.listServerRefs({ http: r.http, url: r.url, protocolVersion: 1 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/no-such-repo/);
    expect((err as Error).message).not.toMatch(/\n/);
  });
}

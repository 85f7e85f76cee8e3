/**
 * `in`'s own clone (fetch, pack index, checkout, index file, refs, config)
 * judged by the git CLI: the result must be a repository git accepts as if
 * `git clone` had made it (fsck, a clean status without refreshing the
 * index, the same files, modes and history), over HTTP and a local path,
 * whole, shallow, deepened and unshallowed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runOperation } from "../../src/protocol/entry.ts";
import { gitCli, gitCliService, gitEnv, makeGeneratedRepo, removeTempDirs, startGitHttpServer, tempDir, type GitHttpServer } from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { gitType } from "./index.ts";

let work: string;
let src: string;
let server: GitHttpServer;
let httpUri: string;
let dest = 0;

const git = (cwd: string, ...args: string[]) => gitCli(cwd, args);
const status = (cwd: string, ...args: string[]) => spawnSync("git", args, { cwd, env: gitEnv() }).status;

async function get(request: unknown) {
  const dir = join(work, `dest-${dest++}`);
  mkdirSync(dir);
  let stdout = "";
  let stderr = "";
  const r = await runOperation(gitType, "in", [dir], {
    stdin: JSON.stringify(request),
    env: { TMPDIR: join(work, "tmp") },
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
  });
  return { dir, exitCode: r.exitCode, stdout, stderr };
}

/** What git itself says of a clone: sound, clean by stat data alone, and holding `rev`'s tree. */
function expectSoundClone(dir: string, rev: string): void {
  const fsck = spawnSync("git", ["fsck", "--full", "--strict", "--no-dangling"], { cwd: dir, env: gitEnv() });
  expect(fsck.status, fsck.stderr.toString()).toBe(0);
  expect(fsck.stderr.toString()).not.toMatch(/error|missing|broken/);
  // diff-files trusts the index's stat data: wrong ctime/mtime/ino/size would list files here
  expect(git(dir, "diff-files", "--name-only")).toBe("");
  expect(git(dir, "status", "--porcelain", "--untracked-files=all")).toBe("");
  expect(git(dir, "rev-parse", "HEAD").trim()).toBe(rev);
  const index = git(dir, "ls-files", "--stage").trim().split("\n").map((l) => l.replace(/ 0\t/, " "));
  const tree = git(dir, "ls-tree", "-r", rev).trim().split("\n").map((l) => l.replace(/ (blob|commit) /, " ").replace("\t", " "));
  expect(index).toEqual(tree);
}

await describeWithService(gitCliService, "in's clone judged by the git CLI", () => {
  beforeAll(async () => {
    work = tempDir("in-clone");
    mkdirSync(join(work, "tmp"));
    const wt = join(work, "wt");
    mkdirSync(wt);
    git(wt, "init", "-q", "-b", "main");
    const put = (path: string, content: string) => {
      mkdirSync(dirname(join(wt, path)), { recursive: true });
      writeFileSync(join(wt, path), content);
    };
    const commit = (message: string, when: number, addAll = true) => {
      if (addAll) git(wt, "add", "-A");
      gitCli(wt, ["commit", "-q", "-m", message], { GIT_AUTHOR_DATE: `@${when} +0000`, GIT_COMMITTER_DATE: `@${when} +0000` });
    };
    put("README.md", "hello\n");
    put("a/b/c.txt", "deep\n");
    put("a.b", "sorts before a/ in git's order\n");
    put("dir with space/ünïcödé.txt", "names are bytes\n");
    put("empty", "");
    put("run.sh", "#!/bin/sh\necho hi\n");
    chmodSync(join(wt, "run.sh"), 0o755);
    symlinkSync("README.md", join(wt, "link"));
    commit("first", 1_700_000_000);
    // a gitlink with no .gitmodules: git leaves an empty directory, and so must we
    git(wt, "update-index", "--add", "--cacheinfo", `160000,${git(wt, "rev-parse", "HEAD").trim()},vendor/lib`);
    // (add -A would stage its removal: the work tree has no such directory)
    commit("gitlink", 1_700_000_060, false);
    mkdirSync(join(wt, "vendor/lib"), { recursive: true });
    for (let i = 0; i < 6; i++) {
      put("a/b/c.txt", `deep ${i}\n`);
      put(`notes/n${i}.md`, `note ${i}\n`);
      commit(`change ${i}`, 1_700_000_120 + i * 60);
      if (i === 2) gitCli(wt, ["tag", "-a", "v1.0", "-m", "release"], { GIT_COMMITTER_DATE: "@1700001000 +0000" });
    }
    git(wt, "tag", "light");
    git(wt, "branch", "feature", "HEAD~1");
    src = join(work, "srv", "repo.git");
    mkdirSync(dirname(src));
    gitCli(work, ["clone", "-q", "--bare", "--no-local", wt, src]);
    server = await startGitHttpServer({ root: dirname(src) });
    httpUri = `${server.url}/repo.git`;
  });
  afterAll(async () => {
    await server?.close();
    removeTempDirs();
  });

  it("over HTTP: a whole clone git accepts, with modes, symlinks, gitlinks, tags and a usable config", async () => {
    const r = await get({ source: { uri: httpUri, branch: "main" } });
    expect(r.exitCode, r.stderr).toBe(0);
    const head = git(src, "rev-parse", "main").trim();
    expectSoundClone(r.dir, head);
    expect(git(r.dir, "log", "--format=%H %s", "main")).toBe(git(src, "log", "--format=%H %s", "main"));
    expect(git(r.dir, "tag").trim().split("\n")).toEqual(["light", "v1.0"]);
    expect(git(r.dir, "cat-file", "-t", "v1.0").trim()).toBe("tag");
    expect(git(r.dir, "rev-parse", "v1.0^{commit}")).toBe(git(src, "rev-parse", "v1.0^{commit}"));
    expect(readlinkSync(join(r.dir, "link"))).toBe("README.md");
    expect(lstatSync(join(r.dir, "run.sh")).mode & 0o111).not.toBe(0);
    expect(lstatSync(join(r.dir, "README.md")).mode & 0o111).toBe(0);
    expect(readFileSync(join(r.dir, "dir with space/ünïcödé.txt"), "utf8")).toBe("names are bytes\n");
    expect(readdirSync(join(r.dir, "vendor/lib"))).toEqual([]);
    expect(git(r.dir, "config", "remote.origin.url").trim()).toBe(httpUri);
    expect(git(r.dir, "config", "remote.origin.fetch").trim()).toBe("+refs/heads/main:refs/remotes/origin/main");
    expect(git(r.dir, "config", "branch.main.merge").trim()).toBe("refs/heads/main");
    expect(git(r.dir, "rev-parse", "main", "origin/main")).toBe(`${head}\n${head}\n`);
    // the config works for git itself
    expect(status(r.dir, "fetch", "-q", "origin")).toBe(0);
  });

  it("from a local path at an older commit, leaving HEAD detached there", async () => {
    const ref = git(src, "rev-parse", "main~2").trim();
    const r = await get({ source: { uri: src }, version: { ref } });
    expect(r.exitCode, r.stderr).toBe(0);
    expectSoundClone(r.dir, ref);
    expect(status(r.dir, "symbolic-ref", "-q", "HEAD")).toBe(1);
    expect(existsSync(join(r.dir, "notes/n5.md"))).toBe(false);
  });

  it("depth 1 is a shallow clone git accepts; deepening for an older ref keeps it sound", async () => {
    const shallow = await get({ source: { uri: httpUri }, params: { depth: 1 } });
    expect(shallow.exitCode, shallow.stderr).toBe(0);
    expect(git(shallow.dir, "rev-parse", "--is-shallow-repository").trim()).toBe("true");
    expect(git(shallow.dir, "rev-list", "--count", "HEAD").trim()).toBe("1");
    expectSoundClone(shallow.dir, git(src, "rev-parse", "main").trim());

    // main~2 needs depth 3: deepened by 1 (to 2), then by 2 (to 4)
    const ref = git(src, "rev-parse", "main~2").trim();
    const deepened = await get({ source: { uri: src }, version: { ref }, params: { depth: 1 } });
    expect(deepened.exitCode, deepened.stderr).toBe(0);
    expect(deepened.stderr).toContain(`Could not find ref ${ref} in a shallow clone of depth 1, deepening by 1...\n`);
    expect(deepened.stderr).toContain(`Could not find ref ${ref} in a shallow clone of depth 2, deepening by 2...\n`);
    expect(deepened.stderr).not.toContain("depth 4");
    expect(git(deepened.dir, "rev-parse", "--is-shallow-repository").trim()).toBe("true");
    expect(git(deepened.dir, "rev-list", "--count", "main").trim()).toBe("4");
    expectSoundClone(deepened.dir, ref);
  });

  it("past depth 127 it unshallows, as upstream's helper does", async () => {
    const deep = makeGeneratedRepo({ dir: join(work, "srv", "deep.git"), commits: 140, files: 5 });
    const ref = git(deep, "rev-parse", "main~135").trim();
    const r = await get({ source: { uri: `${server.url}/deep.git` }, version: { ref }, params: { depth: 127 } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("Reached max depth of the shallow clone, unshallowing...");
    expect(git(r.dir, "rev-parse", "--is-shallow-repository").trim()).toBe("false");
    expect(git(r.dir, "rev-list", "--count", "main").trim()).toBe("140");
    expectSoundClone(r.dir, ref);
  });

  it("params.fetch adds branches; clean_tags and fetch_tags: false leave no tags", async () => {
    const r = await get({ source: { uri: httpUri }, params: { fetch: ["feature"], clean_tags: true } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(git(r.dir, "rev-parse", "feature")).toBe(git(src, "rev-parse", "feature"));
    expect(git(r.dir, "tag")).toBe("");
    expectSoundClone(r.dir, git(src, "rev-parse", "main").trim());

    const noTags = await get({ source: { uri: httpUri, fetch_tags: false } });
    expect(noTags.exitCode, noTags.stderr).toBe(0);
    expect(git(noTags.dir, "tag")).toBe("");
  });

  it("sparse_paths checks out only those paths (through isomorphic-git's checkout, on our clone)", async () => {
    const r = await get({ source: { uri: httpUri, sparse_paths: ["a", "notes"] } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(r.dir, "a/b/c.txt"), "utf8")).toBe("deep 5\n");
    expect(existsSync(join(r.dir, "notes/n0.md"))).toBe(true);
    expect(existsSync(join(r.dir, "README.md"))).toBe(false);
    expect(existsSync(join(r.dir, "run.sh"))).toBe(false);
  });

  it("a branch the remote lacks fails as git clone does and leaves the destination empty", async () => {
    const r = await get({ source: { uri: httpUri, branch: "nope" } });
    expect(r.exitCode).toBe(128);
    expect(r.stderr).toBe("fatal: Remote branch nope not found in upstream origin\n");
    expect(r.stdout).toBe("");
    expect(readdirSync(r.dir)).toEqual([]);
  });
});

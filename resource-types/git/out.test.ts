import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { JetwayError } from "../../src/protocol/errors.ts";
import { createContext, fixedClock } from "../../src/protocol/context.ts";
import type { DirectoryContext } from "../../src/protocol/types.ts";
import { gitCli, gitCliService, type GitHttpServer, removeTempDirs, sshdService, type SshServer, startGitHttpServer, startSshServer, tempDir } from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { decodeOut } from "./decode.ts";
import { put } from "./out.ts";

// every temp dir this file made, once all its suites are done
afterAll(removeTempDirs);

const NOW = 1_700_000_000;
const IMAGE_IDENT = { GIT_AUTHOR_NAME: "git", GIT_AUTHOR_EMAIL: "git@localhost", GIT_COMMITTER_NAME: "git", GIT_COMMITTER_EMAIL: "git@localhost" };
const IMAGE_DATES = { GIT_AUTHOR_DATE: `@${NOW} +0000`, GIT_COMMITTER_DATE: `@${NOW} +0000` };

await describeWithService(gitCliService, "git out (put) against git http-backend", () => {
  const root = tempDir("out-remotes");
  let server: GitHttpServer;
  beforeAll(async () => {
    server = await startGitHttpServer({ root });
  });
  afterAll(async () => {
    await server?.close();
  });

  let n = 0;
  let clock = 1_577_836_800;

  /** A bare remote with one commit on master, and a clone of it at <src>/repo, as upstream's tests set up. */
  function setup() {
    const name = `remote-${++n}.git`;
    const bare = join(root, name);
    const seed = join(tempDir("out-seed"), "seed");
    mkdirSync(seed);
    gitCli(seed, ["init", "-q", "-b", "master"]);
    commitIn(seed, "README", "hello\n", "initial");
    gitCli(root, ["clone", "-q", "--bare", seed, bare]);
    const src = tempDir("out-src");
    const repo = join(src, "repo");
    gitCli(src, ["clone", "-q", bare, repo]);
    const uri = `${server.url}/${name}`;
    const remote = (...args: string[]) => gitCli(bare, args).trim();
    const local = (...args: string[]) => gitCli(repo, args).trim();
    return { bare, src, repo, uri, remote, local };
  }

  function commitIn(dir: string, file: string, content: string, message: string): string {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), content);
    gitCli(dir, ["add", "--", file]);
    const date = `@${(clock += 60)} +0000`;
    gitCli(dir, ["commit", "-q", "-m", message], {
      GIT_AUTHOR_NAME: "Author Person",
      GIT_AUTHOR_EMAIL: "author@example.com",
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: "Author Person",
      GIT_COMMITTER_EMAIL: "author@example.com",
      GIT_COMMITTER_DATE: date,
    });
    return gitCli(dir, ["rev-parse", "HEAD"]).trim();
  }

  async function run(src: string, source: Record<string, unknown>, params: Record<string, unknown>) {
    const lines: string[] = [];
    const ctx: DirectoryContext = {
      ...createContext({
        logger: { log: (l) => lines.push(l), raw: (t) => lines.push(...t.split("\n")) },
        clock: fixedClock(BigInt(NOW) * 1_000_000_000n),
      }),
      dir: src,
    };
    try {
      const response = await put(decodeOut(JSON.stringify({ source, params })), ctx);
      return { response, stderr: lines.join("\n") };
    } catch (e) {
      if (e instanceof JetwayError) return { error: e, stderr: [...lines, e.stderr].join("\n") };
      throw e;
    }
  }

  it("pushes HEAD and the local tags, and reports the ref with in's metadata", async () => {
    const s = setup();
    const before = s.remote("rev-parse", "master");
    const ref = commitIn(s.repo, "some-file", "x\n", "a change");
    s.local("tag", "some-tag");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo" });
    expect(r.error).toBeUndefined();
    expect(r.response!.version).toEqual({ ref });
    expect(s.remote("rev-parse", "master")).toBe(ref);
    expect(s.remote("rev-parse", "some-tag")).toBe(ref);
    const meta = r.response!.metadata!;
    expect(meta.map((m) => m.name)).toEqual(["commit", "author", "author_date", "committer", "committer_date", "branch", "tags", "message"]);
    expect(meta.find((m) => m.name === "branch")?.value).toBe("master");
    expect(r.stderr).toBe(
      [`To ${s.uri}`, `   ${before.slice(0, 7)}..${ref.slice(0, 7)}  HEAD -> master`, " * [new tag]         some-tag -> some-tag"].join("\n"),
    );
  });

  it("pushes to a new branch named by params.branch and returns {branch, ref}", async () => {
    const s = setup();
    s.local("checkout", "-q", "-b", "branch-a");
    const ref = commitIn(s.repo, "some-file", "x\n", "on a branch");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", branch: "branch-a" });
    expect(r.response!.version).toEqual({ branch: "branch-a", ref });
    expect(s.remote("rev-parse", "branch-a")).toBe(ref);
    expect(r.stderr.split("\n")[0]).toBe("Override master with branch-a");
    expect(r.stderr).toContain(" * [new branch]      HEAD -> branch-a");
  });

  it("pushes to refs_prefix", async () => {
    const s = setup();
    const ref = commitIn(s.repo, "some-file", "x\n", "for review");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", refs_prefix: "refs/for" });
    expect(r.response!.version).toEqual({ ref });
    expect(s.remote("rev-parse", "refs/for/master")).toBe(ref);
    expect(r.stderr).toContain(" * [new reference]   HEAD -> refs/for/master");
  });

  it("tags HEAD from a tag file with tag_prefix, annotated as git tag -a -F would", async () => {
    const s = setup();
    const ref = commitIn(s.repo, "some-file", "x\n", "release");
    mkdirSync(join(s.src, "tag"));
    writeFileSync(join(s.src, "tag", "some-tag-file"), "1.0\n");
    writeFileSync(join(s.src, "tag", "annotation"), "# a comment\nyay  \n\n\nmore\n\n");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", tag: "tag/some-tag-file", tag_prefix: "v", annotate: "tag/annotation" });
    expect(r.response!.version).toEqual({ ref });
    expect(s.remote("rev-parse", "v1.0^{commit}")).toBe(ref);
    const tagObject = s.remote("rev-parse", "v1.0");
    expect(tagObject).not.toBe(ref);
    // the same tag made by git, at the same instant, by the image's identity
    gitCli(s.repo, ["tag", "-f", "-a", "-F", join(s.src, "tag", "annotation"), "cli-twin"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const twin = gitCli(s.repo, ["cat-file", "tag", "cli-twin"]).replace("tag cli-twin", "tag v1.0");
    expect(s.remote("cat-file", "tag", "v1.0") + "\n").toBe(twin);
    expect(r.response!.metadata!.find((m) => m.name === "tags")?.value).toBe("v1.0");
  });

  it("fails with upstream's words when the tag file is missing, before touching the remote", async () => {
    const s = setup();
    const before = s.remote("rev-parse", "master");
    commitIn(s.repo, "some-file", "x\n", "release");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", tag: "nope" });
    expect(r.error?.message).toBe("tag file 'nope' does not exist");
    expect(r.error?.exitCode).toBe(1);
    expect(s.remote("rev-parse", "master")).toBe(before);
  });

  it("only_tag pushes the tags and leaves the branch", async () => {
    const s = setup();
    const before = s.remote("rev-parse", "master");
    const ref = commitIn(s.repo, "some-file", "x\n", "tagged only");
    s.local("tag", "some-only-tag");
    const r = await run(s.src, { uri: s.uri }, { repository: "repo", only_tag: true });
    expect(r.response!.version).toEqual({ ref });
    expect(s.remote("rev-parse", "master")).toBe(before);
    expect(s.remote("rev-parse", "some-only-tag")).toBe(ref);
  });

  it("refuses to move an existing remote tag without force, and moves it with force", async () => {
    const s = setup();
    const theirs = commitIn(s.repo, "other", "o\n", "theirs");
    s.local("tag", "t1");
    s.local("push", "-q", "origin", "t1");
    s.local("reset", "-q", "--hard", "HEAD~1");
    s.local("tag", "-f", "t1");
    const ours = s.local("rev-parse", "HEAD");
    const refused = await run(s.src, { uri: s.uri }, { repository: "repo", only_tag: true });
    expect(refused.error?.message).toBe(`error: failed to push some refs to '${s.uri}'`);
    expect(refused.stderr).toContain(" ! [rejected]        t1 -> t1 (already exists)");
    expect(s.remote("rev-parse", "t1")).toBe(theirs);
    const forced = await run(s.src, { uri: s.uri }, { repository: "repo", only_tag: true, force: true });
    expect(forced.error).toBeUndefined();
    expect(s.remote("rev-parse", "t1")).toBe(ours);
    expect(forced.stderr).toContain(` + ${theirs.slice(0, 7)}...${ours.slice(0, 7)} t1 -> t1 (forced update)`);
  });

  it("rejects a non-fast-forward push, exits 1 and leaves the remote as it was", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    const theirs = commitIn(other, "theirs", "t\n", "concurrent");
    gitCli(other, ["push", "-q", "origin", "master"]);
    commitIn(s.repo, "some-file", "x\n", "unpushable");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo" });
    expect(r.error?.exitCode).toBe(1);
    expect(r.error?.message).toBe(`error: failed to push some refs to '${s.uri}'`);
    expect(r.stderr).toContain(" ! [rejected]        HEAD -> master (fetch first)");
    expect(s.remote("rev-parse", "master")).toBe(theirs);

    // once the remote's commit is known locally the rejection is a plain non-fast-forward
    s.local("fetch", "-q", "origin");
    const again = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo" });
    expect(again.stderr).toContain(" ! [rejected]        HEAD -> master (non-fast-forward)");
    expect(s.remote("rev-parse", "master")).toBe(theirs);
  });

  it("force-pushes over divergent history", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    const lost = commitIn(other, "theirs", "t\n", "to be lost");
    gitCli(other, ["push", "-q", "origin", "master"]);
    s.local("fetch", "-q", "origin");
    const ref = commitIn(s.repo, "some-file", "x\n", "ours");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", force: true });
    expect(r.response!.version).toEqual({ ref });
    expect(s.remote("rev-parse", "master")).toBe(ref);
    expect(s.remote("log", "--format=%H", "master")).not.toContain(lost);
    expect(r.stderr).toContain(` + ${lost.slice(0, 7)}...${ref.slice(0, 7)} HEAD -> master (forced update)`);
  });

  it("rebases onto a concurrently advanced remote exactly as git rebase would", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    const remoteTip = commitIn(other, "some-other-file", "theirs\n", "remote work");
    gitCli(other, ["push", "-q", "origin", "master"]);
    const first = commitIn(s.repo, "some-file", "one\n", "local one");
    commitIn(s.repo, "dir/nested", "two\n", "local two");

    // git's own rebase of the same commits, same identity and instant
    const twin = join(tempDir("out-twin"), "t");
    gitCli(root, ["clone", "-q", s.repo, twin]);
    gitCli(twin, ["fetch", "-q", s.bare, "master"]);
    gitCli(twin, ["rebase", "-q", "FETCH_HEAD"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const expected = gitCli(twin, ["rev-parse", "HEAD"]).trim();

    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", rebase: true });
    expect(r.error).toBeUndefined();
    expect(r.response!.version).toEqual({ ref: expected });
    expect(s.remote("rev-parse", "master")).toBe(expected);
    expect(s.local("rev-parse", "HEAD")).toBe(expected);
    expect(s.remote("rev-list", "--merges", "master")).toBe("");
    expect(s.remote("rev-parse", "master~2")).toBe(remoteTip);
    expect(s.remote("show", "master:some-other-file")).toBe("theirs");
    expect(s.remote("show", "master:dir/nested")).toBe("two");
    expect(s.remote("log", "-1", "--format=%an <%ae>|%cn <%ce>", "master~1")).toBe("Author Person <author@example.com>|git <git@localhost>");
    expect(s.remote("log", "--format=%H", "master")).not.toContain(first);
    expect(r.stderr.split("\n")[0]).toBe("rebasing...");
    expect(r.stderr.split("\n").at(-1)).toBe("pushed");
  });

  it("fails a rebase that conflicts with upstream-like words, leaving the remote unchanged", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    const theirs = commitIn(other, "README", "theirs\n", "remote edit");
    gitCli(other, ["push", "-q", "origin", "master"]);
    const mine = commitIn(s.repo, "README", "mine\n", "local edit");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", rebase: true });
    expect(r.error?.exitCode).toBe(1);
    expect(r.error?.message).toBe(`error: could not apply ${mine.slice(0, 7)}... local edit`);
    expect(r.stderr).toContain("CONFLICT (content): Merge conflict in README");
    expect(s.remote("rev-parse", "master")).toBe(theirs);

    // -X theirs (in a rebase: the commit being replayed) settles it, as in upstream's test
    const resolved = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", rebase: true, rebase_strategy_option: "theirs" });
    expect(resolved.error).toBeUndefined();
    expect(s.remote("show", "master:README")).toBe("mine");
    expect(s.remote("rev-parse", "master~1")).toBe(theirs);
  });

  it("retries when the remote moves between its fetch and its push", async () => {
    const s = setup();
    // the first push finds master moved under it: receive-pack then fails to lock the ref
    const hook = join(s.bare, "hooks", "pre-receive");
    writeFileSync(
      hook,
      [
        "#!/bin/sh",
        'cat >/dev/null',
        'if [ ! -e "$GIT_DIR/raced" ]; then',
        '  touch "$GIT_DIR/raced"',
        "  unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "  export GIT_AUTHOR_NAME=racer GIT_AUTHOR_EMAIL=r@x GIT_COMMITTER_NAME=racer GIT_COMMITTER_EMAIL=r@x",
        "  tip=$(git rev-parse refs/heads/master)",
        '  new=$(echo raced | git commit-tree -p "$tip" "$tip^{tree}")',
        '  git update-ref refs/heads/master "$new"',
        "  echo racing you",
        "fi",
        "",
      ].join("\n"),
    );
    chmodSync(hook, 0o755);
    const before = s.remote("rev-parse", "master");
    commitIn(s.repo, "some-file", "x\n", "mine");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", rebase: true });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toContain("remote: racing you");
    expect(r.stderr).toContain("rebasing and trying again...");
    const tip = s.remote("rev-parse", "master");
    expect(r.response!.version).toEqual({ ref: tip });
    expect(s.remote("log", "--format=%s", "master")).toBe("mine\nraced\ninitial");
    expect(s.remote("rev-parse", "master~2")).toBe(before);
  });

  it("merges the remote branch, returning the merge commit git would make", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    commitIn(other, "some-other-file", "theirs\n", "remote work");
    gitCli(other, ["push", "-q", "origin", "master"]);
    const mine = commitIn(s.repo, "some-file", "x\n", "mine");

    const twin = join(tempDir("out-twin"), "t");
    gitCli(root, ["clone", "-q", s.repo, twin]);
    // (git pull from the in-process server would block the loop that serves it: fetch from disk, merge with pull's message)
    gitCli(twin, ["fetch", "-q", s.bare, "master"]);
    const message = `Merge branch 'master' of ${s.uri.replace(/\.git$/, "")}`;
    gitCli(twin, ["merge", "-q", "--no-ff", "-m", message, "FETCH_HEAD"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const expected = gitCli(twin, ["rev-parse", "HEAD"]).trim();

    const merged = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", merge: true });
    expect(merged.error).toBeUndefined();
    expect(merged.response!.version).toEqual({ ref: expected });
    expect(s.remote("rev-parse", "master")).toBe(expected);
    expect(s.remote("log", "-1", "--format=%s", "master")).toBe(`Merge branch 'master' of ${s.uri.replace(/\.git$/, "")}`);
    expect(merged.stderr.split("\n").slice(0, 2)).toEqual(["merging...", `HEAD is now at ${mine.slice(0, 7)} mine`]);
  });

  it("merge with returning: unmerged reports the commit that was put", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    commitIn(other, "some-other-file", "theirs\n", "remote work");
    gitCli(other, ["push", "-q", "origin", "master"]);
    const mine = commitIn(s.repo, "some-file", "x\n", "mine");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", merge: true, returning: "unmerged" });
    expect(r.response!.version).toEqual({ ref: mine });
    const tip = s.remote("rev-parse", "master");
    expect(s.remote("rev-list", "--merges", "-1", "master")).toBe(tip);
    expect(s.remote("rev-parse", "master^2")).not.toBe(mine);
    expect(s.remote("rev-parse", "master^1")).toBe(mine);
  });

  it("adds a note to HEAD and pushes refs/notes/commits", async () => {
    const s = setup();
    const ref = commitIn(s.repo, "some-file", "x\n", "noted");
    writeFileSync(join(s.src, "notes-file"), "some-notes\n");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", notes: "notes-file" });
    expect(r.response!.version).toEqual({ ref });
    expect(s.remote("notes", "show", ref)).toBe("some-notes");
    expect(s.remote("log", "-1", "--format=%s|%an", "refs/notes/commits")).toBe("Notes added by 'git notes add'|git");
    expect(r.stderr).toContain(" * [new reference]   refs/notes/commits -> refs/notes/commits");
  });

  it("keeps the remote's notes when rebasing with notes", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    const theirs = commitIn(other, "t", "t\n", "theirs");
    gitCli(other, ["notes", "add", "-m", "their note", theirs], IMAGE_IDENT);
    gitCli(other, ["push", "-q", "origin", "master", "refs/notes/commits"]);
    commitIn(s.repo, "some-file", "x\n", "mine");
    writeFileSync(join(s.src, "notes-file"), "my note\n");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", rebase: true, notes: "notes-file" });
    expect(r.error).toBeUndefined();
    const tip = s.remote("rev-parse", "master");
    expect(s.remote("notes", "show", tip)).toBe("my note");
    expect(s.remote("notes", "show", theirs)).toBe("their note");
  });

  it("sends push_options where the remote accepts them, and fails like git where it does not", async () => {
    const s = setup();
    commitIn(s.repo, "some-file", "x\n", "with options");
    const refused = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", push_options: ["ci.skip"] });
    expect(refused.error?.message).toBe("fatal: the receiving end does not support push options");
    expect(refused.error?.exitCode).toBe(128);
    s.remote("config", "receive.advertisePushOptions", "true");
    const hook = join(s.bare, "hooks", "pre-receive");
    writeFileSync(hook, '#!/bin/sh\ncat >/dev/null\necho "option=$GIT_PUSH_OPTION_0"\n');
    chmodSync(hook, 0o755);
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", push_options: ["ci.skip"] });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toContain("remote: option=ci.skip");
  });

  it("puts twice from the same copy (upstream's second `git remote add` would fail)", async () => {
    const s = setup();
    const one = commitIn(s.repo, "some-file", "1\n", "one");
    expect((await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo" })).response!.version).toEqual({ ref: one });
    const two = commitIn(s.repo, "some-file", "2\n", "two");
    expect((await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo" })).response!.version).toEqual({ ref: two });
    expect(s.local("config", "--get", "remote.push-target.url")).toBe(s.uri);
  });

  it("says Everything up-to-date when there is nothing to push", async () => {
    const s = setup();
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo" });
    expect(r.stderr).toBe("Everything up-to-date");
  });

  it("refuses a repository path that escapes the source directory", async () => {
    const s = setup();
    const r = await run(join(s.src, "repo"), { uri: s.uri, branch: "master" }, { repository: "../repo" });
    expect(r.error?.code).toBe("PATH_ESCAPE");
    const elsewhere = setup();
    const abs = await run(s.src, { uri: s.uri, branch: "master" }, { repository: elsewhere.repo });
    expect(abs.error?.code).toBe("PATH_ESCAPE");
    const inside = await run(s.src, { uri: s.uri, branch: "master" }, { repository: s.repo });
    expect(inside.error).toBeUndefined();
  });

  it("rebases a detached HEAD, as get leaves a clone: HEAD moves, no branch follows", async () => {
    const s = setup();
    const other = join(tempDir("out-other"), "o");
    gitCli(root, ["clone", "-q", s.bare, other]);
    commitIn(other, "theirs", "t\n", "remote work");
    gitCli(other, ["push", "-q", "origin", "master"]);
    s.local("checkout", "-q", "--detach");
    commitIn(s.repo, "some-file", "x\n", "detached work");
    const r = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", rebase: true });
    const tip = s.remote("rev-parse", "master");
    expect(r.response!.version).toEqual({ ref: tip });
    expect(s.local("rev-parse", "HEAD")).toBe(tip);
    expect(s.local("rev-parse", "--abbrev-ref", "HEAD")).toBe("HEAD");
    expect(s.local("rev-parse", "master")).not.toBe(tip);
    expect(r.response!.metadata!.map((m) => m.name)).not.toContain("branch");
  });

  it("reports a missing annotation or notes file before pushing anything", async () => {
    const s = setup();
    const before = s.remote("rev-parse", "master");
    commitIn(s.repo, "some-file", "x\n", "change");
    writeFileSync(join(s.src, "tag-file"), "v1\n");
    const a = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", tag: "tag-file", annotate: "missing" });
    expect(a.error?.message).toBe("annotation file 'missing' does not exist");
    const n = await run(s.src, { uri: s.uri, branch: "master" }, { repository: "repo", notes: "missing" });
    expect(n.error?.message).toBe("error: could not open or read '../missing': No such file or directory");
    expect(n.error?.exitCode).toBe(128);
    expect(s.remote("rev-parse", "master")).toBe(before);
  });

  it("pushes to a local bare repository too", async () => {
    const s = setup();
    const ref = commitIn(s.repo, "some-file", "x\n", "local");
    // relative to the repository, where upstream's git runs
    const r = await run(s.src, { uri: join("..", "..", basename(root), basename(s.bare)), branch: "master" }, { repository: "repo" });
    expect(r.error).toBeUndefined();
    expect(s.remote("rev-parse", "master")).toBe(ref);
  });
});

await describeWithService(gitCliService, "git out (put) with credentials", () => {
  const SECRET = "put-secret-Pa55w0rd";
  const root = tempDir("out-auth");
  let server: GitHttpServer;
  beforeAll(async () => {
    server = await startGitHttpServer({ root, auth: { username: "u", password: SECRET } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("authenticates, and keeps the password out of stderr, errors and the repository's config", async () => {
    const seed = join(tempDir("out-auth-seed"), "seed");
    mkdirSync(seed);
    gitCli(seed, ["init", "-q", "-b", "master"]);
    writeFileSync(join(seed, "f"), "1\n");
    gitCli(seed, ["add", "f"]);
    gitCli(seed, ["commit", "-q", "-m", "one"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const bare = join(root, "auth.git");
    gitCli(root, ["clone", "-q", "--bare", seed, bare]);
    const src = tempDir("out-auth-src");
    gitCli(src, ["clone", "-q", bare, "repo"]);
    writeFileSync(join(src, "repo", "f"), "2\n");
    gitCli(join(src, "repo"), ["commit", "-q", "-am", "two"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const embedded = server.url.replace("http://", `http://u:${SECRET}@`) + "/auth.git";
    const lines: string[] = [];
    const ctx: DirectoryContext = { ...createContext({ logger: { log: (l) => lines.push(l), raw: (t) => lines.push(t) } }), dir: src };
    const ok = await put(decodeOut(JSON.stringify({ source: { uri: embedded, branch: "master" }, params: { repository: "repo" } })), ctx);
    expect(ok.version.ref).toBe(gitCli(bare, ["rev-parse", "master"]).trim());
    // a rejected push names the remote too
    gitCli(join(src, "repo"), ["reset", "-q", "--hard", "HEAD~1"]);
    writeFileSync(join(src, "repo", "f"), "3\n");
    gitCli(join(src, "repo"), ["commit", "-q", "-am", "three"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const failed = await put(
      decodeOut(JSON.stringify({ source: { uri: `${server.url}/auth.git`, branch: "master", username: "u", password: SECRET }, params: { repository: "repo" } })),
      ctx,
    ).catch((e: unknown) => e as JetwayError);
    expect(failed).toBeInstanceOf(JetwayError);
    const seen = [...lines, (failed as JetwayError).message, (failed as JetwayError).stderr, gitCli(join(src, "repo"), ["config", "--list"])].join("\n");
    expect(seen).toContain(`${server.url}/auth.git`);
    expect(seen).not.toContain(SECRET);
  });
});

await describeWithService(sshdService, "git out (put) over ssh", () => {
  let ssh: SshServer;
  beforeAll(async () => {
    ssh = await startSshServer();
  });
  afterAll(async () => {
    await ssh?.close();
  });

  it("rebases and pushes through the ssh transport", async () => {
    const seed = join(tempDir("out-ssh-seed"), "seed");
    mkdirSync(seed);
    gitCli(seed, ["init", "-q", "-b", "master"]);
    writeFileSync(join(seed, "f"), "1\n");
    gitCli(seed, ["add", "f"]);
    gitCli(seed, ["commit", "-q", "-m", "one"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const bare = join(ssh.root, `put-${Date.now()}.git`);
    gitCli(ssh.root, ["clone", "-q", "--bare", seed, bare]);
    const src = tempDir("out-ssh-src");
    gitCli(src, ["clone", "-q", bare, "repo"]);
    gitCli(seed, ["commit", "-q", "--allow-empty", "-m", "remote moved"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    gitCli(seed, ["push", "-q", bare, "master"]);
    ssh.adopt(bare);
    writeFileSync(join(src, "repo", "g"), "2\n");
    gitCli(join(src, "repo"), ["add", "g"]);
    gitCli(join(src, "repo"), ["commit", "-q", "-m", "mine"], { ...IMAGE_IDENT, ...IMAGE_DATES });
    const lines: string[] = [];
    const ctx: DirectoryContext = { ...createContext({ logger: { log: (l) => lines.push(l), raw: (t) => lines.push(t) } }), dir: src };
    const uri = `ssh://${ssh.user}@${ssh.host}:${ssh.port}${bare}`;
    const r = await put(
      decodeOut(JSON.stringify({ source: { uri, branch: "master", private_key: ssh.keys.plain }, params: { repository: "repo", rebase: true } })),
      ctx,
    );
    expect(r.version.ref).toBe(gitCli(bare, ["rev-parse", "master"]).trim());
    expect(gitCli(bare, ["log", "--format=%s", "master"]).trim()).toBe("mine\nremote moved\none");
    expect(lines.join("\n")).not.toContain("PRIVATE KEY");
  });
});

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JetwayError } from "../../src/protocol/errors.ts";
import { gitCli, removeTempDirs, tempDir } from "../../test/support/git-servers.ts";
import { rebase } from "./rebase.ts";
import { GitRepo } from "./repo.ts";

// every temp dir this file made, once all its suites are done
afterAll(removeTempDirs);

const git = spawnSync("git", ["--version"]).status === 0;
const COMMITTER = "git <git@localhost> 1700000000 +0000";
const COMMITTER_ENV = { GIT_COMMITTER_NAME: "git", GIT_COMMITTER_EMAIL: "git@localhost", GIT_COMMITTER_DATE: "@1700000000 +0000" };

describe.skipIf(!git)("rebase (compared with git rebase)", () => {
  let tick = 1_600_000_000;
  function repo() {
    const dir = join(tempDir("rebase"), "r");
    mkdirSync(dir);
    gitCli(dir, ["init", "-q", "-b", "main"]);
    const run = (args: string[], env: Record<string, string> = {}) => gitCli(dir, args, env).trim();
    const commit = (files: Record<string, string>, message: string, extra: string[] = []) => {
      for (const [p, c] of Object.entries(files)) {
        mkdirSync(join(dir, p, ".."), { recursive: true });
        writeFileSync(join(dir, p), c);
        run(["add", p]);
      }
      const date = `@${(tick += 60)} +0530`;
      run(["commit", "-q", "--allow-empty", "-m", message, ...extra], {
        GIT_AUTHOR_NAME: "Ann Author",
        GIT_AUTHOR_EMAIL: "ann@example.com",
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: "Ann Author",
        GIT_COMMITTER_EMAIL: "ann@example.com",
        GIT_COMMITTER_DATE: date,
      });
      return run(["rev-parse", "HEAD"]);
    };
    return { dir, run, commit };
  }

  /** git's answer: rebase a copy of `local` onto `onto`, same committer and instant. */
  function gitRebase(r: ReturnType<typeof repo>, local: string, onto: string): string {
    r.run(["checkout", "-q", "--detach", local]);
    r.run(["rebase", "-q", onto], COMMITTER_ENV);
    return r.run(["rev-parse", "HEAD"]);
  }

  const ours = (r: ReturnType<typeof repo>, head: string, onto: string) =>
    rebase(new GitRepo(join(r.dir, ".git")), { head, onto, committer: COMMITTER });

  it("replays several commits, keeping authors, zones and messages", async () => {
    const r = repo();
    r.commit({ a: "1\n2\n3\n" }, "base");
    r.run(["checkout", "-q", "-b", "local"]);
    r.commit({ a: "1\n2\n3\nlocal\n" }, "local one\n\nwith a body");
    const local = r.commit({ "d/e": "e\n" }, "local two");
    r.run(["checkout", "-q", "main"]);
    const onto = r.commit({ c: "remote\n", b: "b\n" }, "remote");
    const result = await ours(r, local, onto);
    expect(result).toEqual({ oid: gitRebase(r, local, onto), how: "replayed", replayed: 2 });
  });

  it("drops a commit that becomes empty and keeps one that was empty", async () => {
    const r = repo();
    r.commit({ a: "1\n" }, "base");
    r.run(["checkout", "-q", "-b", "local"]);
    r.commit({ a: "same\n" }, "already upstream");
    r.commit({}, "empty on purpose");
    const local = r.commit({ c: "c\n" }, "after");
    r.run(["checkout", "-q", "main"]);
    r.commit({ b: "b\n" }, "remote");
    const onto = r.commit({ a: "same\n" }, "same change upstream");
    const result = await ours(r, local, onto);
    expect(result.oid).toBe(gitRebase(r, local, onto));
    expect(result.replayed).toBe(2);
  });

  it("re-encodes a message with an encoding header into UTF-8, as git rebase does", async () => {
    const r = repo();
    r.commit({ a: "1\n" }, "base");
    r.run(["checkout", "-q", "-b", "local"]);
    r.run(["config", "i18n.commitEncoding", "ISO-8859-1"]);
    const local = r.commit({ c: "c\n" }, "caf\u00e9");
    r.run(["config", "--unset", "i18n.commitEncoding"]);
    r.run(["checkout", "-q", "main"]);
    const onto = r.commit({ b: "b\n" }, "remote");
    const result = await ours(r, local, onto);
    expect(r.run(["cat-file", "commit", local])).toContain("\nencoding ISO-8859-1\n");
    expect(r.run(["cat-file", "commit", result.oid])).not.toContain("encoding");
    // the UTF-8 bytes git commit stored under the latin-1 label are read as latin-1, as git reads them
    expect(r.run(["log", "-1", "--format=%s", result.oid])).toBe("caf\u00c3\u00a9");
    expect(result.oid).toBe(gitRebase(r, local, onto));
  });

  it("fast-forwards when HEAD is behind and stays when HEAD has the tip", async () => {
    const r = repo();
    const base = r.commit({ a: "1\n" }, "base");
    const tip = r.commit({ a: "2\n" }, "ahead");
    expect(await ours(r, base, tip)).toEqual({ oid: tip, how: "fast-forward", replayed: 0 });
    expect(await ours(r, tip, base)).toEqual({ oid: tip, how: "up-to-date", replayed: 0 });
  });

  it("replays a local merge against its first parent, keeping its side parent", async () => {
    const r = repo();
    r.commit({ a: "1\n" }, "base");
    r.run(["checkout", "-q", "-b", "side"]);
    const side = r.commit({ s: "s\n" }, "side");
    r.run(["checkout", "-q", "-b", "local", "main"]);
    r.commit({ l: "l\n" }, "local");
    r.run(["merge", "-q", "--no-ff", "-m", "merge side", "side"], { GIT_AUTHOR_NAME: "m", GIT_AUTHOR_EMAIL: "m@m", GIT_COMMITTER_NAME: "m", GIT_COMMITTER_EMAIL: "m@m" });
    const local = r.run(["rev-parse", "HEAD"]);
    r.run(["checkout", "-q", "main"]);
    const onto = r.commit({ b: "b\n" }, "remote");
    const result = await ours(r, local, onto);
    expect(r.run(["rev-parse", `${result.oid}^2`])).toBe(side);
    expect(r.run(["rev-parse", `${result.oid}~2`])).toBe(onto);
    expect(r.run(["ls-tree", "--name-only", result.oid]).split("\n")).toEqual(["a", "b", "l", "s"]);
  });

  it("stops at a conflict with git's words", async () => {
    const r = repo();
    r.commit({ a: "1\n" }, "base");
    r.run(["checkout", "-q", "-b", "local"]);
    const local = r.commit({ a: "mine\n" }, "my edit");
    r.run(["checkout", "-q", "main"]);
    const onto = r.commit({ a: "theirs\n" }, "their edit");
    const e = await ours(r, local, onto).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JetwayError);
    expect((e as JetwayError).message).toBe(`error: could not apply ${local.slice(0, 7)}... my edit`);
    expect((e as JetwayError).stderr).toBe(
      `Auto-merging a\nCONFLICT (content): Merge conflict in a\nerror: could not apply ${local.slice(0, 7)}... my edit\n`,
    );
  });
});

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JetwayError } from "../../src/protocol/errors.ts";
import { makeFixtureRepo, removeTempDirs } from "../../test/support/git-servers.ts";
import { addNote } from "./push-notes.ts";
import { GitRepo } from "./repo.ts";

// every temp dir this file made, once all its suites are done
afterAll(removeTempDirs);

const git = spawnSync("git", ["--version"]).status === 0;
const IDENT = "git <git@localhost> 1700000000 +0000";
const quiet = { log: () => {}, raw: () => {} };

describe.skipIf(!git)("addNote (read back with git notes)", () => {
  function setup() {
    const fx = makeFixtureRepo({ steps: [{ commit: "a", files: { f: "1" } }, { commit: "b", files: { f: "2" } }] });
    return { fx, repo: () => new GitRepo(join(fx.dir, ".git")) };
  }

  it("adds a cleaned note as git notes add -F does, byte for byte", async () => {
    const { fx, repo } = setup();
    const head = fx.rev("HEAD");
    await addNote(repo(), { object: head, text: "\nsome notes  \n\n", author: IDENT, committer: IDENT }, quiet);
    const ours = fx.rev("refs/notes/commits");
    fx.git("update-ref", "-d", "refs/notes/commits");
    const twin = spawnSync("git", ["-C", fx.dir, "notes", "add", "-F", "-", head], {
      input: "\nsome notes  \n\n",
      env: { ...process.env, GIT_AUTHOR_NAME: "git", GIT_AUTHOR_EMAIL: "git@localhost", GIT_COMMITTER_NAME: "git", GIT_COMMITTER_EMAIL: "git@localhost", GIT_AUTHOR_DATE: "@1700000000 +0000", GIT_COMMITTER_DATE: "@1700000000 +0000" },
    });
    expect(twin.status).toBe(0);
    expect(ours).toBe(fx.rev("refs/notes/commits"));
  });

  it("refuses a second note for the same commit, and appends to an existing notes history", async () => {
    const { fx, repo } = setup();
    await addNote(repo(), { object: fx.rev("HEAD~1"), text: "first\n", author: IDENT, committer: IDENT }, quiet);
    await addNote(repo(), { object: fx.rev("HEAD"), text: "second\n", author: IDENT, committer: IDENT }, quiet);
    expect(fx.git("notes", "show", "HEAD~1")).toBe("first\n");
    expect(fx.git("notes", "show", "HEAD")).toBe("second\n");
    expect(fx.git("rev-list", "--count", "refs/notes/commits").trim()).toBe("2");
    const again = await addNote(repo(), { object: fx.rev("HEAD"), text: "x", author: IDENT, committer: IDENT }, quiet).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(JetwayError);
    expect((again as JetwayError).message).toBe(
      `error: Cannot add notes. Found existing notes for object ${fx.rev("HEAD")}. Use '-f' to overwrite existing notes`,
    );
  });

  it("keeps a fanned-out notes tree fanned out", async () => {
    const { fx, repo } = setup();
    const other = fx.rev("HEAD~1");
    const noteBlob = spawnSync("git", ["-C", fx.dir, "hash-object", "-w", "--stdin"], { input: "old\n" }).stdout.toString().trim();
    const sub = spawnSync("git", ["-C", fx.dir, "mktree"], { input: `100644 blob ${noteBlob}\t${other.slice(2)}\n` }).stdout.toString().trim();
    const root = spawnSync("git", ["-C", fx.dir, "mktree"], { input: `040000 tree ${sub}\t${other.slice(0, 2)}\n` }).stdout.toString().trim();
    const commit = fx.git("commit-tree", root, "-m", "notes").trim();
    fx.git("update-ref", "refs/notes/commits", commit);
    await addNote(repo(), { object: fx.rev("HEAD"), text: "new\n", author: IDENT, committer: IDENT }, quiet);
    expect(fx.git("notes", "show", "HEAD~1")).toBe("old\n");
    expect(fx.git("notes", "show", "HEAD")).toBe("new\n");
    expect(fx.git("ls-tree", "--name-only", "refs/notes/commits").split("\n").filter(Boolean).every((n) => n.length === 2)).toBe(true);
  });
});

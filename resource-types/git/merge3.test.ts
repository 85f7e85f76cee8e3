import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gitCli, removeTempDirs, tempDir } from "../../test/support/git-servers.ts";
import { merge3, type Merge3Conflict } from "./merge3.ts";

// every temp dir this file made, once all its suites are done
afterAll(removeTempDirs);

type Files = Record<string, string | null | { link: string } | { exec: string }>;

const git = spawnSync("git", ["--version"]).status === 0;

/** base, ours and theirs commits built from file maps (null deletes), on branches b, o, t. */
function scenario(base: Files, ours: Files, theirs: Files) {
  const dir = join(tempDir("merge3"), "r");
  mkdirSync(dir);
  gitCli(dir, ["init", "-q", "-b", "b"]);
  const apply = (files: Files) => {
    for (const [path, content] of Object.entries(files)) {
      const full = join(dir, path);
      rmSync(full, { recursive: true, force: true });
      if (content === null) continue;
      mkdirSync(dirname(full), { recursive: true });
      if (typeof content === "string") writeFileSync(full, content);
      else if ("link" in content) symlinkSync(content.link, full);
      else {
        writeFileSync(full, content.exec);
        chmodSync(full, 0o755);
      }
    }
    gitCli(dir, ["add", "-A"]);
    gitCli(dir, ["commit", "-q", "--allow-empty", "-m", "x"], { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" });
  };
  apply(base);
  gitCli(dir, ["branch", "o"]);
  gitCli(dir, ["branch", "t"]);
  gitCli(dir, ["checkout", "-q", "o"]);
  apply(ours);
  gitCli(dir, ["checkout", "-q", "t"]);
  apply(theirs);
  const tree = (rev: string) => gitCli(dir, ["rev-parse", `${rev}^{tree}`]).trim();
  const gitMerge = () => {
    const r = spawnSync("git", ["merge-tree", "--write-tree", "--no-messages", "o", "t"], { cwd: dir });
    return { clean: r.status === 0, tree: r.stdout.toString().split("\n")[0]!.trim() };
  };
  const ours3 = (options?: Parameters<typeof merge3>[2]) =>
    merge3({ gitdir: join(dir, ".git") }, { base: tree("b"), ours: tree("o"), theirs: tree("t") }, options);
  return { dir, gitMerge, merge: ours3 };
}

describe.skipIf(!git)("merge3 (compared with git merge-tree --write-tree)", () => {
  const clean: Array<[string, Files, Files, Files]> = [
    ["one-sided changes in different files and directories", { a: "1\n", "d/x": "x\n", "d/e/y": "y\n" }, { a: "2\n", "d/e/y": "y2\n" }, { "d/x": "x2\n", "n/new": "n\n" }],
    ["identical changes on both sides", { a: "1\n" }, { a: "2\n", b: "b\n" }, { a: "2\n", b: "b\n" }],
    ["a deletion on one side", { a: "1\n", "d/x": "x\n", "d/y": "y\n" }, { "d/x": null }, { a: "2\n" }],
    ["a directory emptied by deletions disappears", { "d/x": "x\n", keep: "k\n" }, { "d/x": null }, { keep: "k2\n" }],
    ["a mode change on one side and content on the other", { s: "#!/bin/sh\n" }, { s: { exec: "#!/bin/sh\n" } }, { s: "#!/bin/sh\necho\n" }],
    ["a file becoming a directory on one side", { p: "file\n", q: "q\n" }, { p: null, "p/inner": "i\n" }, { q: "q2\n" }],
    ["symlinks changed on one side", { l: { link: "a" } }, { l: { link: "b" } }, { other: "o\n" }],
  ];
  for (const [name, base, ours, theirs] of clean) {
    it(`merges cleanly: ${name}`, async () => {
      const s = scenario(base, ours, theirs);
      const expected = s.gitMerge();
      expect(expected.clean).toBe(true);
      expect(await s.merge()).toEqual({ clean: true, tree: expected.tree });
    });
  }

  const conflicts: Array<[string, Files, Files, Files, Merge3Conflict[]]> = [
    ["content", { f: "1\n" }, { f: "2\n" }, { f: "3\n" }, [{ path: "f", kind: "content" }]],
    ["add/add", {}, { f: "a\n" }, { f: "b\n" }, [{ path: "f", kind: "add/add" }]],
    ["modify/delete", { f: "1\n", g: "g\n" }, { f: null }, { f: "2\n" }, [{ path: "f", kind: "modify/delete", deletedBy: "ours" }]],
    ["file/directory", { g: "g\n" }, { p: "file\n" }, { "p/inner": "i\n" }, [{ path: "p", kind: "file/directory" }]],
    ["binary", { b: "a\0" }, { b: "b\0" }, { b: "c\0" }, [{ path: "b", kind: "binary" }]],
    ["nested content", { "d/e/f": "1\n" }, { "d/e/f": "2\n" }, { "d/e/f": "3\n" }, [{ path: "d/e/f", kind: "content" }]],
  ];
  for (const [name, base, ours, theirs, expected] of conflicts) {
    it(`reports a ${name} conflict where git does`, async () => {
      const s = scenario(base, ours, theirs);
      expect(s.gitMerge().clean).toBe(false);
      expect(await s.merge()).toEqual({ clean: false, conflicts: expected });
    });
  }

  it("refuses a file changed on both sides in separate regions, which git would line-merge", async () => {
    // deliberate: see merge3-lines.ts; a failed rebase is better than content git would not write
    const s = scenario({ f: "1\n2\n3\n4\n5\n" }, { f: "one\n2\n3\n4\n5\n" }, { f: "1\n2\n3\n4\nfive\n" });
    expect(s.gitMerge().clean).toBe(true);
    expect(await s.merge()).toEqual({ clean: false, conflicts: [{ path: "f", kind: "content" }] });
  });

  it("settles content conflicts with favor, like -X ours / -X theirs", async () => {
    const s = scenario({ f: "1\n2\n3\n" }, { f: "o\n2\n3\n" }, { f: "t\n2\nT\n" });
    for (const favor of ["ours", "theirs"] as const) {
      const r = spawnSync("git", ["merge-tree", "--write-tree", `-X${favor}`, "o", "t"], { cwd: s.dir });
      const ours = await s.merge({ favor });
      // git 2.39's merge-tree has no -X: compare with a real merge instead
      if (r.status !== 0) {
        gitCli(s.dir, ["checkout", "-q", "-f", "--detach", "o"]);
        gitCli(s.dir, ["merge", "-q", `-X${favor}`, "-m", "m", "t"], { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" });
        expect(ours).toEqual({ clean: true, tree: gitCli(s.dir, ["rev-parse", "HEAD^{tree}"]).trim() });
      } else expect(ours).toEqual({ clean: true, tree: r.stdout.toString().split("\n")[0]!.trim() });
    }
  });
});

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeFixtureRepo, removeTempDirs } from "../../test/support/git-servers.ts";
import { GitRepo } from "./repo.ts";
import { commitsBetween, isAncestor } from "./push-revwalk.ts";

// every temp dir this file made, once all its suites are done
afterAll(removeTempDirs);

const git = spawnSync("git", ["--version"]).status === 0;

describe.skipIf(!git)("commitsBetween (compared with git rev-list)", () => {
  const fx = makeFixtureRepo({
    steps: [
      { commit: "a", files: { f: "1" } },
      { commit: "b", files: { f: "2" } },
      { branch: "side" },
      { commit: "s1", files: { s: "1" } },
      // a clock running backwards on the side branch
      { commit: "s2", files: { s: "2" }, date: "2023-01-01T00:00:00Z" },
      { checkout: "main" },
      { commit: "c", files: { f: "3" } },
      { merge: "side" },
      { commit: "d", files: { f: "4" } },
      { branch: "other", from: "main~3" },
      { commit: "o1", files: { o: "1" } },
    ],
  });
  const repo = new GitRepo(join(fx.dir, ".git"));
  const revList = (inc: string[], exc: string[]) =>
    fx.git("rev-list", ...inc.map(fx.rev), ...exc.map((e) => `^${fx.rev(e)}`)).split("\n").filter(Boolean).sort();
  const cases: Array<[string[], string[]]> = [
    [["main"], ["other"]],
    [["other"], ["main"]],
    [["main"], ["side"]],
    [["side"], ["main"]],
    [["main", "other"], ["main~2"]],
    [["main"], []],
    [["main~1"], ["main"]],
  ];
  for (const [inc, exc] of cases) {
    it(`${inc.join(" ")} --not ${exc.join(" ") || "(nothing)"}`, async () => {
      const ours = await commitsBetween(repo, inc.map(fx.rev), exc.map(fx.rev));
      expect(ours.sort()).toEqual(revList(inc, exc));
    });
  }

  it("answers ancestry", async () => {
    expect(await isAncestor(repo, fx.rev("side"), fx.rev("main"))).toBe(true);
    expect(await isAncestor(repo, fx.rev("main"), fx.rev("side"))).toBe(false);
    expect(await isAncestor(repo, fx.rev("other"), fx.rev("main"))).toBe(false);
  });
});

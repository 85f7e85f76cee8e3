import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeFixtureRepo, removeTempDirs } from "../../test/support/git-servers.ts";
import { objectsToSend } from "./push-objects.ts";
import { GitRepo } from "./repo.ts";

// every temp dir this file made, once all its suites are done
afterAll(removeTempDirs);

const git = spawnSync("git", ["--version"]).status === 0;

describe.skipIf(!git)("objectsToSend (compared with git rev-list --objects)", () => {
  const fx = makeFixtureRepo({
    steps: [
      { commit: "a", files: { "d/x": "x", "d/e/y": "y", top: "t" } },
      { tag: "remote-tip" },
      { commit: "b", files: { "d/e/y": "y2", "n/z": "z" } },
      { branch: "side" },
      { commit: "s", files: { "d/x": null, moved: "x" } },
      { checkout: "main" },
      { merge: "side" },
      { tag: "v1", message: "annotated" },
    ],
  });
  const repo = new GitRepo(join(fx.dir, ".git"));
  const objects = (...args: string[]) =>
    new Set(fx.git("rev-list", "--objects", ...args).split("\n").filter(Boolean).map((l) => l.split(" ")[0]!));

  it("sends what the remote lacks and nothing it could not need", async () => {
    const ours = new Set(await objectsToSend(repo, [fx.rev("refs/tags/v1")], [fx.rev("remote-tip")], new Set()));
    const needed = objects("refs/tags/v1", "--not", "remote-tip");
    for (const oid of needed) expect(ours.has(oid), oid).toBe(true);
    const reachable = objects("refs/tags/v1");
    for (const oid of ours) expect(reachable.has(oid), oid).toBe(true);
    expect(ours.has(fx.rev("refs/tags/v1"))).toBe(true);
    // the remote's unchanged files stay home
    expect(ours.has(fx.rev("remote-tip:top"))).toBe(false);
  });

  it("sends everything to an empty remote", async () => {
    const ours = new Set(await objectsToSend(repo, [fx.rev("main")], [], new Set()));
    expect(ours).toEqual(objects("main"));
  });
});

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeFixtureRepo, removeTempDirs } from "../../test/support/git-servers.ts";
import { decide, ZERO_OID, type RefUpdate } from "./push-plan.ts";
import { GitRepo } from "./repo.ts";

afterAll(removeTempDirs);

const git = spawnSync("git", ["--version"]).status === 0;

describe.skipIf(!git)("push decisions, as git push makes them", () => {
  const fx = makeFixtureRepo({
    steps: [
      { commit: "a", files: { f: "1" } },
      { commit: "b", files: { f: "2" } },
      { branch: "side", from: "main~1" },
      { commit: "s", files: { s: "1" } },
      { tag: "v1", message: "annotated" },
    ],
  });
  const repo = new GitRepo(join(fx.dir, ".git"));
  const none = new Set<string>();
  const branch = (oid: string, force = false): RefUpdate => ({ src: "HEAD", dst: "refs/heads/main", oid, force });
  const tag = (oid: string, force = false): RefUpdate => ({ src: "v1", dst: "refs/tags/v1", oid, force });

  it("creates, fast-forwards and leaves equal refs alone", async () => {
    expect(await decide(repo, branch(fx.rev("main")), undefined, none)).toEqual({ kind: "send", old: ZERO_OID, how: "new" });
    expect(await decide(repo, branch(fx.rev("main")), fx.rev("main~1"), none)).toEqual({ kind: "send", old: fx.rev("main~1"), how: "fast-forward" });
    expect(await decide(repo, branch(fx.rev("main")), fx.rev("main"), none)).toEqual({ kind: "uptodate" });
  });

  it("rejects a non-fast-forward, or asks to fetch first when the remote tip is unknown; force overrides both", async () => {
    expect(await decide(repo, branch(fx.rev("side")), fx.rev("main"), none)).toEqual({ kind: "rejected", reason: "non-fast-forward" });
    const unknown = "1234567890123456789012345678901234567890";
    expect(await decide(repo, branch(fx.rev("side")), unknown, none)).toEqual({ kind: "rejected", reason: "fetch first" });
    expect(await decide(repo, branch(fx.rev("side"), true), unknown, none)).toEqual({ kind: "send", old: unknown, how: "forced" });
  });

  it("never moves a tag without force, even forward", async () => {
    expect(await decide(repo, tag(fx.rev("refs/tags/v1")), fx.rev("main~1"), none)).toEqual({ kind: "rejected", reason: "already exists" });
    expect(await decide(repo, tag(fx.rev("refs/tags/v1"), true), fx.rev("main~1"), none)).toEqual({ kind: "send", old: fx.rev("main~1"), how: "forced" });
  });
});

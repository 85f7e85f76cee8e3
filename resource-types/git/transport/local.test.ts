import fs from "node:fs";
import { join, relative } from "node:path";
import git from "isomorphic-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitCli, gitCliService, makeFixtureRepo, makeGeneratedRepo, removeTempDirs, tempDir } from "../../../test/support/git-servers.ts";
import { describeWithService } from "../../../test/support/services.ts";
import { AUTHOR, conformance, servedFixture, withRemote, type TransportUnderTest } from "./conformance.ts";

await describeWithService(gitCliService, "local transport", () => {
  afterAll(removeTempDirs);
  let t: TransportUnderTest;
  beforeAll(() => {
    t = { reposRoot: tempDir("local-repos"), uriFor: (p) => p, options: {}, prepare: () => {} };
  });

  describe("plain paths", () => conformance(() => t));
  describe("file:// URIs", () => conformance(() => ({ ...t, uriFor: (p) => `file://${p}` })));

  it("serves a non-bare repository given by a relative path, and refuses to move its checked-out branch", async () => {
    const repo = makeFixtureRepo({ dir: join(t.reposRoot, `worktree-${process.pid}`), steps: [{ commit: "one", files: { a: "1" } }, { branch: "side" }, { checkout: "main" }] });
    const dir = join(tempDir("local-rel"), "c");
    await withRemote(relative(process.cwd(), repo.dir), {}, async (r) => {
      expect(r.kind).toBe("local");
      await git.clone({ fs, http: r.http, dir, url: r.url });
      fs.writeFileSync(join(dir, "b"), "2");
      await git.add({ fs, dir, filepath: "b" });
      const oid = await git.commit({ fs, dir, message: "two", author: AUTHOR });
      const err = await git.push({ fs, http: r.http, dir, url: r.url, ref: "main" }).catch((e: unknown) => e);
      expect(String(err)).toMatch(/branch is currently checked out/);
      expect(repo.rev("main")).not.toBe(oid);
      // another branch is fine
      await git.push({ fs, http: r.http, dir, url: r.url, ref: "main", remoteRef: "side" });
      expect(repo.rev("side")).toBe(oid);
    });
  });

  it("lets exactly one of two concurrent pushes to the same ref win", async () => {
    const repo = servedFixture(t);
    const a = join(tempDir("race-a"), "c");
    const b = join(tempDir("race-b"), "c");
    await withRemote(repo.bare, {}, async (r) => {
      for (const dir of [a, b]) {
        await git.clone({ fs, http: r.http, dir, url: r.url, singleBranch: true });
        fs.writeFileSync(join(dir, "race.txt"), dir);
        await git.add({ fs, dir, filepath: "race.txt" });
        await git.commit({ fs, dir, message: `race ${dir}`, author: AUTHOR });
      }
      const results = await Promise.allSettled([a, b].map((dir) => git.push({ fs, http: r.http, dir, url: r.url, ref: "main" })));
      expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    });
    gitCli(repo.bare, ["fsck", "--strict", "--no-progress"]);
  });

  it("fetches by date (deepen-since) and excluding a ref's history (deepen-not)", async () => {
    const repo = servedFixture(t);
    const dir = join(tempDir("since"), "c");
    await withRemote(repo.bare, {}, async (r) => {
      const since = new Date(Number(repo.git("log", "-1", "--format=%ct", "main~1").trim()) * 1000);
      await git.clone({ fs, http: r.http, dir, url: r.url, singleBranch: true, ref: "main", since });
      expect(gitCli(dir, ["rev-list", "--count", "HEAD"]).trim()).toBe("2");
      const dir2 = join(tempDir("not"), "c");
      await git.clone({ fs, http: r.http, dir: dir2, url: r.url, singleBranch: true, ref: "main", exclude: ["v1.0.0"] });
      expect(gitCli(dir2, ["rev-list", "--count", "HEAD"]).trim()).toBe("2");
    });
  });

  it("serves a generated repository with deltas as a valid pack", async () => {
    const bare = makeGeneratedRepo({ dir: join(t.reposRoot, `gen-${process.pid}.git`), commits: 150, files: 20 });
    const dir = join(tempDir("gen"), "c");
    await withRemote(bare, {}, (r) => git.clone({ fs, http: r.http, dir, url: r.url, noCheckout: true }));
    expect(gitCli(dir, ["rev-parse", "HEAD"]).trim()).toBe(gitCli(bare, ["rev-parse", "HEAD"]).trim());
    gitCli(dir, ["fsck", "--strict", "--no-progress"]);
    // deltas were passed on, not re-expanded
    const verify = gitCli(dir, ["verify-pack", "-v", ...fs.readdirSync(join(dir, ".git/objects/pack")).filter((f) => f.endsWith(".idx")).map((f) => join(dir, ".git/objects/pack", f))]);
    expect(verify).toMatch(/chain length = 1:/);
  });

  it("honours an AbortSignal", async () => {
    const repo = servedFixture(t);
    const controller = new AbortController();
    controller.abort();
    const err = await withRemote(repo.bare, { signal: controller.signal }, (r) =>
      git.listServerRefs({ http: r.http, url: r.url, protocolVersion: 1 }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ABORTED" });
  });
});

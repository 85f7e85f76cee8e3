import { afterAll, describe, expect, it } from "vitest";
import { treeUsesLfs } from "./lfs.ts";
import { GitRepo } from "./repo.ts";
import { hasGit, TestRepo } from "./testing/git-cli.ts";
import { unsupportedLfs } from "./unsupported.ts";

describe.skipIf(!hasGit)("LFS detection", () => {
  const r = TestRepo.init();
  afterAll(() => r.remove());

  it("sees filter=lfs in any .gitattributes, and only there", async () => {
    r.commit({ file: ".gitattributes", content: "*.txt text\n" });
    expect(await treeUsesLfs(new GitRepo(r.gitdir), r.git("rev-parse", "HEAD^{tree}").trim())).toBe(false);
    r.commit({ file: "assets/.gitattributes", content: "*.bin filter=lfs diff=lfs merge=lfs -text\n" });
    expect(await treeUsesLfs(new GitRepo(r.gitdir), r.git("rev-parse", "HEAD^{tree}").trim())).toBe(true);
  });

  it("fails with one line naming the upstream image", () => {
    const e = unsupportedLfs();
    expect(e.code).toBe("UNSUPPORTED");
    expect(e.message).toMatch(/LFS.*not supported natively.*concourse\/git-resource/);
    expect(e.message).not.toContain("\n");
  });
});

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/git-servers.ts";
import { identLine, resolveIdentities } from "./push-identity.ts";

// every temp dir this file made, once all its suites are done
afterAll(removeTempDirs);

async function emptyRepo(): Promise<string> {
  const dir = join(tempDir("ident"), "r");
  mkdirSync(dir);
  await git.init({ fs, dir });
  return join(dir, ".git");
}

describe("put identities", () => {
  it("default to the upstream image's git <git@localhost>", async () => {
    const gitdir = await emptyRepo();
    expect(await resolveIdentities(gitdir, [])).toEqual({
      author: { name: "git", email: "git@localhost" },
      committer: { name: "git", email: "git@localhost" },
    });
  });

  it("take source.git_config (keys case-insensitive), then the repository's config, committer.* over user.*", async () => {
    const gitdir = await emptyRepo();
    const entries = [
      { name: "User.Name", value: "CI Bot" },
      { name: "user.email", value: "ci@example.com" },
      { name: "committer.name", value: "Committer Bot" },
    ];
    expect(await resolveIdentities(gitdir, entries)).toEqual({
      author: { name: "CI Bot", email: "ci@example.com" },
      committer: { name: "Committer Bot", email: "ci@example.com" },
    });
    await git.setConfig({ fs, gitdir, path: "user.email", value: "local@example.com" });
    expect((await resolveIdentities(gitdir, entries)).author.email).toBe("local@example.com");
  });

  it("formats ident lines with git's crud rules", () => {
    expect(identLine({ name: " <Bad> Name. ", email: "<a@b>" }, 5)).toBe("Bad Name <a@b> 5 +0000");
  });
});

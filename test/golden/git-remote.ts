/**
 * The repository that server-backed git fixtures talk to: built once per run
 * with fixed authors and dates (so its shas never change), served by a real
 * `git http-backend` on loopback. Fixtures name it as {{git:uri}} and its
 * commits as {{git:rev:main~1}}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { makeFixtureRepo, startGitHttpServer, type FixtureRepo, type GitHttpServer } from "../support/git-servers.ts";
import type { ServedRepository } from "./git-out-setup.ts";
import { closeGitSshRemote } from "./git-ssh-remote.ts";
import { forgetGitSuperRemote } from "./git-super-remote.ts";

export interface GitRemote {
  uri: string;
  rev(rev: string): string;
}

let started: Promise<{ remote: GitRemote; server: GitHttpServer; dir: string }> | undefined;

async function start() {
  const dir = mkdtempSync(join(tmpdir(), "jetway-golden-git-"));
  const repo: FixtureRepo = makeFixtureRepo({
    dir: join(dir, "src", "repo"),
    bare: true,
    steps: [
      { commit: "first", files: { "README.md": "hello\n" } },
      { commit: "add app", files: { "app/main.txt": "v1\n" } },
      { tag: "v0.1.0" },
      { commit: "docs only [ci skip]", files: { "docs/guide.md": "guide\n" } },
      { commit: "app v2\n\nwith a body", files: { "app/main.txt": "v2\n" } },
      { tag: "v1.0.0", message: "release 1.0.0" },
      { commit: "docs again", files: { "docs/guide.md": "guide 2\n" } },
    ],
  });
  const server = await startGitHttpServer({ root: dirname(repo.bare!) });
  const revs = new Map<string, string>();
  const remote: GitRemote = {
    uri: `${server.url}/${repo.bare!.split("/").pop()}`,
    rev: (rev) => {
      if (!revs.has(rev)) revs.set(rev, repo.rev(rev));
      return revs.get(rev)!;
    },
  };
  return { remote, server, dir };
}

export async function gitRemote(): Promise<GitRemote> {
  started ??= start();
  return (await started).remote;
}

/** The served repository itself, for fixtures that need their own copy of it (puts, SSH). */
export async function servedGitRepository(): Promise<ServedRepository> {
  started ??= start();
  const { server, dir } = await started;
  const root = join(dir, "src");
  return { url: server.url, root, bare: join(root, "repo.git") };
}

export async function closeGitRemote(): Promise<void> {
  await closeGitSshRemote();
  forgetGitSuperRemote();
  if (!started) return;
  const { server, dir } = await started;
  started = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

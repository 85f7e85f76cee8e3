/**
 * A superproject beside the served fixture repository, for `in` fixtures with
 * submodules: `super.git` on the same server, its `lib` submodule being the
 * fixture repository itself through a relative URL (`../repo.git`), pinned one
 * commit behind main. Built once per test process with fixed dates, so its
 * shas never change. Fixtures name it `{{git:super_uri}}` and its commits
 * `{{git:super:REV}}`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitCli, gitEnv } from "../support/git-servers.ts";
import type { ServedRepository } from "./git-out-setup.ts";

export interface GitSuperRemote {
  expand(arg: string): string | undefined;
}

let built: GitSuperRemote | undefined;

function build(served: ServedRepository): GitSuperRemote {
  const bare = join(served.root, "super.git");
  const work = mkdtempSync(join(tmpdir(), "jetway-golden-super-"));
  try {
    const date = "@1717200000 +0000"; // 2024-06-01
    const who = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: "Super Author", GIT_AUTHOR_EMAIL: "super@jetway.invalid", GIT_COMMITTER_NAME: "Super Author", GIT_COMMITTER_EMAIL: "super@jetway.invalid" };
    gitCli(work, ["init", "-q", "-b", "main"]);
    writeFileSync(join(work, "README.md"), "super\n");
    writeFileSync(join(work, ".gitmodules"), '[submodule "lib"]\n\tpath = lib\n\turl = ../repo.git\n');
    gitCli(work, ["add", "README.md", ".gitmodules"]);
    const pinned = gitCli(served.bare, ["rev-parse", "main~1"]).trim();
    gitCli(work, ["update-index", "--add", "--cacheinfo", `160000,${pinned},lib`]);
    gitCli(work, ["commit", "-q", "-m", "super with lib"], who);
    gitCli(served.root, ["clone", "-q", "--bare", "--no-local", work, bare]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return {
    expand(arg) {
      if (arg === "super_uri") return `${served.url}/super.git`;
      if (!arg.startsWith("super:")) return undefined;
      const r = spawnSync("git", ["rev-parse", "--verify", "-q", arg.slice(6)], { cwd: bare, env: gitEnv() });
      if (r.status !== 0) throw new Error(`{{git:${arg}}} names nothing in super.git`);
      return r.stdout.toString().trim();
    },
  };
}

/** The superproject, built on first use in the served repository's root (removed with it). */
export function gitSuperRemote(served: ServedRepository): GitSuperRemote {
  built ??= build(served);
  return built;
}

/** Forgets the superproject once the served root it lives in is gone. */
export function forgetGitSuperRemote(): void {
  built = undefined;
}

/**
 * The git side of one fixture run: which repository `{{git:...}}` templates
 * name, plus, for a put (`setup.git`), its fresh remote and input clone
 * (git-out-setup.ts) and the check of what the put left there.
 *
 * - `{{git:uri}}`: the served repository (git-remote.ts), or the run's fresh
 *   remote when the fixture has `setup.git`;
 * - `{{git:rev:REV}}`, `{{git:short:REV}}`: commits of the served repository;
 * - `{{git:work:REV}}`, `{{git:theirs:REV}}`: commits a put fixture made;
 * - `{{git:ssh_uri}}`, `{{git:ssh_key}}`, `{{git:ssh_wrong_key}}`: the same
 *   repository over SSH (git-ssh-remote.ts);
 * - `{{git:super_uri}}`, `{{git:super:REV}}`: a superproject whose submodule is
 *   that repository (git-super-remote.ts).
 */
import { gitRemote, servedGitRepository } from "./git-remote.ts";
import { gitRemoteExpectationSchema, prepareGitOut, type GitOutRun } from "./git-out-setup.ts";
import { gitSshRemote } from "./git-ssh-remote.ts";
import { gitSuperRemote } from "./git-super-remote.ts";
import type { TemplateContext } from "./templates.ts";

export interface GitFixtureRun {
  template: NonNullable<TemplateContext["git"]>;
  /** writes the put's input clone into the run's directory */
  populate(dir: string): void;
  afterRun(): void;
  /** differences between `expect.gitRemote` (expanded) and the remote */
  problems(expected: unknown, ctx: TemplateContext, endNanos: bigint): string[];
  cleanup(): void;
}

/** undefined when the fixture uses no git repository at all */
export async function prepareGitFixture(fixtureText: string, setupGit: unknown): Promise<GitFixtureRun | undefined> {
  if (setupGit === undefined && !fixtureText.includes("{{git:")) return undefined;
  const served = await gitRemote();
  const repository = await servedGitRepository();
  const ssh = fixtureText.includes("{{git:ssh_") ? await gitSshRemote(repository.bare) : undefined;
  const sup = fixtureText.includes("{{git:super") ? gitSuperRemote(repository) : undefined;
  const put: GitOutRun | undefined = setupGit === undefined ? undefined : prepareGitOut(repository, setupGit);
  return {
    template: {
      uri: put?.uri ?? served.uri,
      rev: (rev) => served.rev(rev),
      extra: (arg) => put?.expand(arg) ?? ssh?.expand(arg) ?? sup?.expand(arg),
    },
    populate: (dir) => put?.populate(dir),
    afterRun: () => put?.afterRun(),
    problems(expected, ctx, endNanos) {
      if (expected === undefined) return [];
      const parsed = gitRemoteExpectationSchema.safeParse(expected);
      if (!parsed.success) return [`bad expect.gitRemote: ${parsed.error.issues[0]?.message}`];
      if (!put) return ["expect.gitRemote needs setup.git"];
      return put.problems(parsed.data, ctx, endNanos);
    },
    cleanup: () => put?.cleanup(),
  };
}

/**
 * What a git `out` fixture needs (test/fixtures/README.md, `setup.git`):
 *
 * - a fresh remote for each run through each delivery path, a copy of the
 *   served fixture repository beside it (same server, so the image path reaches
 *   it too), removed afterwards: puts of one path cannot be seen by another;
 * - someone else's commits pushed to it first (`theirs`), for rebase, merge and
 *   rejected pushes;
 * - the put's input: a clone in the put's source directory with the fixture's
 *   own commits (`work`), made in a staging clone first so that `{{git:work:REV}}`
 *   keeps naming them after the put has moved the clone's HEAD.
 *
 * Every commit has a fixed identity and date, so its sha is the same on every
 * run. After the run the clone's `.git` is removed from the directory: it holds
 * objects named by the run's own time (rebase, merge, tags), which would make
 * paths differ in the files they leave; what the put did is checked on the
 * remote instead (`expect.gitRemote`).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as z from "zod";
import { gitCli, gitEnv } from "../support/git-servers.ts";
import { compileExpectation, type TemplateContext } from "./templates.ts";

const stepSchema = z.union([
  z
    .object({
      commit: z.string().min(1),
      /** path -> content; null deletes the file */
      files: z.record(z.string(), z.string().nullable()).optional(),
    })
    .strict(),
  /** `git reset --hard REV`: rewrite what the clone has, for force pushes */
  z.object({ reset: z.string().min(1) }).strict(),
]);

/** `setup.git` of a fixture. */
export const gitOutSetupSchema = z
  .object({
    /** the clone's directory under the put's source dir (params.repository) */
    clone: z.string().min(1),
    /** the branch cloned; default main */
    branch: z.string().min(1).optional(),
    /** the remote's branch that `theirs` commits go to; default main */
    theirsBranch: z.string().min(1).optional(),
    /** commits pushed to the fresh remote after the clone was taken */
    theirs: z.array(stepSchema).optional(),
    /** what the clone does before the put */
    work: z.array(stepSchema).optional(),
  })
  .strict();
export type GitOutSetup = z.infer<typeof gitOutSetupSchema>;

/**
 * `expect.gitRemote`: the fresh remote after the run. A key is a revision
 * (`refs/heads/main`, `refs/heads/main^2`, `main:file.txt`) and the value the
 * object it must name, or null for "must not exist"; a key `show:REV` compares
 * `git cat-file -p REV` (a tag, a note) with the value, where `{{match:...}}` works.
 */
export const gitRemoteExpectationSchema = z.record(z.string(), z.string().nullable());

export interface ServedRepository {
  /** the http server's base URL */
  url: string;
  /** the directory it serves */
  root: string;
  /** the fixture repository, bare, under root */
  bare: string;
}

export interface GitOutRun {
  /** the fresh remote's URL */
  uri: string;
  /** `{{git:work:REV}}` and `{{git:theirs:REV}}` */
  expand(arg: string): string | undefined;
  /** clones into the put's source directory */
  populate(dir: string): void;
  /** drops the clone's .git (see above) */
  afterRun(): void;
  problems(expected: Record<string, string | null>, ctx: TemplateContext, endNanos: bigint): string[];
  cleanup(): void;
}

const WHEN = Date.UTC(2024, 5, 1) / 1000;
const IDENTITY = { name: "Put Author", email: "put@jetway.invalid" };

function identityEnv(step: number): Record<string, string> {
  const date = `@${WHEN + step * 60} +0000`;
  return {
    GIT_AUTHOR_NAME: IDENTITY.name,
    GIT_AUTHOR_EMAIL: IDENTITY.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: IDENTITY.name,
    GIT_COMMITTER_EMAIL: IDENTITY.email,
    GIT_COMMITTER_DATE: date,
  };
}

function applySteps(dir: string, steps: readonly z.infer<typeof stepSchema>[], firstStep: number): void {
  let n = firstStep;
  for (const step of steps) {
    if ("reset" in step) {
      gitCli(dir, ["reset", "-q", "--hard", step.reset]);
      continue;
    }
    for (const [path, content] of Object.entries(step.files ?? {})) {
      if (content === null) {
        gitCli(dir, ["rm", "-q", "--", path]);
        continue;
      }
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
      gitCli(dir, ["add", "--", path]);
    }
    gitCli(dir, ["commit", "-q", "--allow-empty", "-m", step.commit], identityEnv(n++));
  }
}

function revParse(dir: string, rev: string): string | undefined {
  const r = spawnSync("git", ["rev-parse", "--verify", "-q", rev], { cwd: dir, env: gitEnv() });
  return r.status === 0 ? r.stdout.toString().trim() : undefined;
}

export function prepareGitOut(served: ServedRepository, raw: unknown): GitOutRun {
  const parsed = gitOutSetupSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`bad setup.git: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const setup = parsed.data;
  const branch = setup.branch ?? "main";
  const name = `put-${randomBytes(6).toString("hex")}.git`;
  const remote = join(served.root, name);
  const scratch = mkdtempSync(join(tmpdir(), "jetway-golden-put-"));
  gitCli(served.root, ["clone", "-q", "--bare", "--no-local", served.bare, remote]);

  const staging = join(scratch, "work");
  gitCli(scratch, ["clone", "-q", "--no-local", "--branch", branch, remote, staging]);
  applySteps(staging, setup.work ?? [], 0);

  const theirs = join(scratch, "theirs");
  if (setup.theirs) {
    const target = setup.theirsBranch ?? "main";
    gitCli(scratch, ["clone", "-q", "--no-local", "--branch", target, remote, theirs]);
    applySteps(theirs, setup.theirs, 100);
    gitCli(theirs, ["push", "-q", "origin", `HEAD:refs/heads/${target}`]);
  }

  let clone: string | undefined;
  return {
    uri: `${served.url}/${name}`,
    expand(arg) {
      const m = /^(work|theirs):(.+)$/s.exec(arg);
      if (!m) return undefined;
      const dir = m[1] === "work" ? staging : theirs;
      const oid = revParse(dir, m[2]!);
      if (oid === undefined) throw new Error(`{{git:${arg}}} names nothing in the fixture's ${m[1]} clone`);
      return oid;
    },
    populate(dir) {
      clone = join(dir, setup.clone);
      cpSync(staging, clone, { recursive: true });
    },
    afterRun() {
      if (clone) rmSync(join(clone, ".git"), { recursive: true, force: true });
    },
    problems(expected, ctx, endNanos) {
      const out: string[] = [];
      for (const [key, want] of Object.entries(expected)) {
        if (key.startsWith("show:")) {
          const r = spawnSync("git", ["cat-file", "-p", key.slice(5)], { cwd: remote, env: gitEnv() });
          if (r.status !== 0) out.push(`remote ${key}: ${r.stderr.toString().trim()}`);
          else if (want === null) out.push(`remote ${key} exists, expected nothing`);
          else out.push(...compileExpectation(want, ctx).check(r.stdout.toString(), endNanos).map((p) => `remote ${key}: ${p}`));
          continue;
        }
        const got = revParse(remote, key);
        if (got !== want) out.push(`remote ${key} is ${got ?? "absent"}, expected ${want ?? "absent"}`);
      }
      return out;
    },
    cleanup() {
      rmSync(remote, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

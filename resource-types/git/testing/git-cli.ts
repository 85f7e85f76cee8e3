/**
 * Test support: repositories built with the git CLI in temp directories, with
 * fixed identities and dates so every id and formatted date is reproducible.
 * Only tests use this; the resource itself never runs git.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const hasGit = spawnSync("git", ["--version"]).status === 0;

const BASE = Date.UTC(2020, 0, 1) / 1000;

export interface CommitOptions {
  /** file to write (default: some-file), relative to the work tree */
  file?: string;
  content?: string;
  message?: string;
  /** seconds since the epoch plus a zone, as GIT_*_DATE takes them ("@1577836800 +0530") */
  date?: string;
  authorDate?: string;
  author?: { name: string; email: string };
  committer?: { name: string; email: string };
  allowEmpty?: boolean;
}

export class TestRepo {
  readonly dir: string;
  readonly bare: boolean;
  private tick = 0;

  constructor(dir: string, bare = false) {
    this.dir = dir;
    this.bare = bare;
  }

  static init(branch = "master"): TestRepo {
    const dir = mkdtempSync(join(tmpdir(), "jetway-git-"));
    const repo = new TestRepo(dir);
    repo.git("init", "-q", "-b", branch);
    return repo;
  }

  get gitdir(): string {
    return this.bare ? this.dir : join(this.dir, ".git");
  }

  /** The next default date: one minute after the previous, from 2020-01-01 UTC. */
  nextDate(): string {
    this.tick++;
    return `@${BASE + this.tick * 60} +0000`;
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.dir,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "Test Author",
      GIT_AUTHOR_EMAIL: "author@example.com",
      GIT_COMMITTER_NAME: "Test Author",
      GIT_COMMITTER_EMAIL: "author@example.com",
      LANG: "C",
      TZ: "UTC",
      ...extra,
    };
  }

  git(...args: string[]): string {
    return this.gitWith({}, ...args);
  }

  gitWith(env: Record<string, string>, ...args: string[]): string {
    const r = spawnSync("git", args, { cwd: this.dir, env: this.env(env), encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Runs git and returns status, stdout and stderr without throwing. */
  tryGit(...args: string[]): { status: number; stdout: string; stderr: string } {
    const r = spawnSync("git", args, { cwd: this.dir, env: this.env(), encoding: "utf8", maxBuffer: 64 << 20 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  commit(o: CommitOptions = {}): string {
    const date = o.date ?? this.nextDate();
    if (!o.allowEmpty) {
      const file = join(this.dir, o.file ?? "some-file");
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, o.content ?? `${date} ${Math.random()}\n`);
      this.git("add", "-A");
    }
    const env: Record<string, string> = { GIT_AUTHOR_DATE: o.authorDate ?? date, GIT_COMMITTER_DATE: date };
    if (o.author) Object.assign(env, { GIT_AUTHOR_NAME: o.author.name, GIT_AUTHOR_EMAIL: o.author.email });
    if (o.committer) Object.assign(env, { GIT_COMMITTER_NAME: o.committer.name, GIT_COMMITTER_EMAIL: o.committer.email });
    this.gitWith(env, "commit", "-q", ...(o.allowEmpty ? ["--allow-empty"] : []), "-m", o.message ?? "commit " + this.tick);
    return this.head();
  }

  head(): string {
    return this.git("rev-parse", "HEAD").trim();
  }

  checkout(branch: string, create = false): void {
    this.git("checkout", "-q", ...(create ? ["-b"] : []), branch);
  }

  /** Switches to (creating if needed) a branch, commits there, and comes back. */
  commitOnBranch(branch: string, o: CommitOptions = {}): string {
    const current = this.git("rev-parse", "--abbrev-ref", "HEAD").trim();
    const exists = this.tryGit("rev-parse", "--verify", "-q", `refs/heads/${branch}`).status === 0;
    this.checkout(branch, !exists);
    const sha = this.commit(o);
    this.checkout(current);
    return sha;
  }

  merge(branch: string, message = `merge ${branch}`): string {
    const date = this.nextDate();
    this.gitWith({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, "merge", "-q", "--no-ff", "--allow-unrelated-histories", branch, "-m", message);
    return this.head();
  }

  annotatedTag(name: string, message = name, target = "HEAD"): void {
    this.gitWith({ GIT_COMMITTER_DATE: this.nextDate() }, "tag", "-f", "-a", name, "-m", message, target);
  }

  lightweightTag(name: string, target = "HEAD"): void {
    this.git("tag", "-f", name, target);
  }

  /** A bare clone like upstream's check cache (single branch unless tag mode). */
  bareClone(options: { branch?: string; allBranches?: boolean } = {}): TestRepo {
    const dir = mkdtempSync(join(tmpdir(), "jetway-git-cache-"));
    rmSync(dir, { recursive: true });
    const args = ["clone", "-q", "--bare"];
    if (!options.allBranches) args.push("--single-branch");
    if (options.branch) args.push("--branch", options.branch);
    if (options.allBranches) args.push("--tags");
    else args.push("--no-tags");
    const r = spawnSync("git", [...args, this.dir, dir], { env: this.env(), encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git clone failed: ${r.stderr}`);
    return new TestRepo(dir, true);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

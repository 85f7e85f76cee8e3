/**
 * Rows for the git type (issue 4), side by side with the git CLI doing what
 * upstream's scripts do, on one generated repository served by git http-backend.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runOperation } from "../src/protocol/entry.ts";
import { gitType } from "../resource-types/index.ts";
import { gitEnv, makeGeneratedRepo, startGitHttpServer } from "../test/support/git-servers.ts";
import { median, type BenchRow } from "./lib.ts";

const root = join(import.meta.dirname, "..");

function git(args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: gitEnv(), stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(" ")}: ${err}`))));
  });
}

async function jetway(op: "check" | "in", request: unknown, env: Record<string, string>, dir?: string): Promise<void> {
  let stderr = "";
  const r = await runOperation(gitType, op, dir ? [dir] : [], {
    stdin: JSON.stringify(request),
    env,
    writeStdout: () => undefined,
    writeStderr: (t) => (stderr += t),
  });
  if (r.exitCode !== 0) throw new Error(`jetway git ${op} failed: ${stderr}`);
}

function packBytes(gitdir: string): number {
  const packDir = join(gitdir, "objects", "pack");
  return readdirSync(packDir).filter((f) => f.endsWith(".pack")).reduce((n, f) => n + statSync(join(packDir, f)).size, 0);
}

export async function gitBenchRows(runs: number, commits = 5000): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), "jetway-bench-git-"));
  const bare = makeGeneratedRepo({ dir: join(work, "srv", "repo.git"), commits });
  const server = await startGitHttpServer({ root: dirname(bare) });
  const uri = `${server.url}/repo.git`;
  const env = { TMPDIR: join(work, "tmp") };
  spawnSync("mkdir", ["-p", env.TMPDIR]);
  let n = 0;
  const fresh = () => join(work, `dest-${n++}`);
  try {
    // upstream's check on an unchanged remote: a fetch into its bare cache, then the rev-list pipeline
    const cliCache = join(work, "cli-cache.git");
    await git(["clone", "--bare", "--filter=tree:0", "--single-branch", "-q", uri, cliCache]);
    const cliCheck = await median(runs, async () => {
      await git(["fetch", "-q", "origin", "--no-tags", "main", "-f"], cliCache);
      await git(["rev-list", "--all", "--first-parent", "-1"], cliCache);
    });
    const request = { source: { uri, branch: "main" } };
    await jetway("check", request, env); // fills the cache
    const warmCheck = await median(runs * 3, () => jetway("check", request, env));

    const runsClone = Math.max(3, Math.floor(runs / 5));
    const cliClone = await median(runsClone, async () => {
      const d = fresh();
      await git(["clone", "-q", "--single-branch", "--branch", "main", uri, d]);
      await git(["log", "-1", "--format=%H%n%an%n%ad%n%B"], d);
    });
    const jwClone = await median(runsClone, () => jetway("in", { source: { uri, branch: "main" } }, env, fresh()));
    const cliShallow = await median(runs, () => git(["clone", "-q", "--depth", "1", "--single-branch", "--branch", "main", uri, fresh()]));
    const jwShallow = await median(runs, () => jetway("in", { source: { uri, branch: "main" }, params: { depth: 1 } }, env, fresh()));

    // peak RSS of a whole `in` through the entry point, against the size of the pack it receives
    const rss = spawnSync("/usr/bin/time", ["-f", "%M", join(root, "dist/resource-types/git/in"), fresh()], {
      input: JSON.stringify({ source: { uri, branch: "main" } }),
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    const peakKb = Number(rss.stderr.trim().split("\n").pop());
    const pack = packBytes(bare);

    const note = `${commits} commits, pack ${(pack / 1e6).toFixed(1)} MB, git http-backend on loopback`;
    return [
      { name: "git check, upstream way: git fetch into bare cache + rev-list", medianMs: cliCheck, note },
      { name: "git check, jetway in-process, warm cache, remote unchanged", medianMs: warmCheck, baseline: "git check, upstream way: git fetch into bare cache + rev-list", note: "goal: >= 20x faster" },
      { name: "git in (full clone), git clone + git log", medianMs: cliClone },
      { name: "git in (full clone), jetway in-process", medianMs: jwClone, baseline: "git in (full clone), git clone + git log", note: "goal: no slower than the git CLI (ratio >= 1.0)" },
      { name: "git in (depth 1), git clone --depth 1", medianMs: cliShallow },
      { name: "git in (depth 1), jetway in-process", medianMs: jwShallow, baseline: "git in (depth 1), git clone --depth 1" },
      { name: "git in peak RSS (MB, not ms), entry point", medianMs: peakKb / 1024, note: `pack ${(pack / 1048576).toFixed(1)} MB; goal <= 2x the pack` },
    ];
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

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
import { median, medianPair, type BenchRow } from "./lib.ts";

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

/**
 * What upstream's assets/in runs after its clone (reference §1 in): the
 * checkout and clean, then git_metadata's and the .git/ files' commands.
 */
const UPSTREAM_IN_AFTER_CLONE: string[][] = [
  ["checkout", "-q", "-f", "HEAD"],
  ["clean", "--force", "--force", "-d"],
  ["log", "-1", "--oneline"],
  ["rev-parse", "HEAD"],
  ["log", "-1", "--format=format:%an"],
  ["log", "-1", "--format=format:%ai"],
  ["log", "-1", "--format=format:%cn"],
  ["log", "-1", "--format=format:%ci"],
  ["branch", "--points-at", "HEAD"],
  ["tag", "--points-at", "HEAD"],
  ["log", "-1", "--format=format:%B"],
  ["log", "-1", "--format=format:%ae"],
  ["log", "-1", "--format=format:%ct"],
  ["describe", "--always", "--dirty", "--broken"],
];

async function upstreamIn(uri: string, dir: string, cloneFlags: string[]): Promise<void> {
  await git(["clone", "-q", "--single-branch", "--branch", "main", ...cloneFlags, uri, dir]);
  for (const args of UPSTREAM_IN_AFTER_CLONE) await git(args, dir);
}

/** Peak RSS in MB of a built entry point given `request` on stdin. */
function peakRssMb(entry: string, args: string[], request: unknown, env: Record<string, string>): number {
  const r = spawnSync("/usr/bin/time", ["-f", "%M", join(root, "dist/resource-types/git", entry), ...args], {
    input: JSON.stringify(request),
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return Number(r.stderr.trim().split("\n").pop()) / 1024;
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
    // the floor under any check of this server: the one ref listing, and nothing else
    const refListing = await median(runs * 3, async () => {
      const res = await fetch(`${uri}/info/refs?service=git-upload-pack`);
      if (res.status !== 200) throw new Error(`info/refs: HTTP ${res.status}`);
      await res.arrayBuffer();
    });

    // the two sides alternate run by run, so a busy machine slows both alike
    const runsClone = Math.max(3, Math.floor(runs / 5));
    const [cliClone, jwClone] = await medianPair(
      runsClone,
      () => upstreamIn(uri, fresh(), []),
      () => jetway("in", { source: { uri, branch: "main" } }, env, fresh()),
    );
    const [cliShallow, jwShallow] = await medianPair(
      runs,
      () => upstreamIn(uri, fresh(), ["--depth", "1"]),
      () => jetway("in", { source: { uri, branch: "main" }, params: { depth: 1 } }, env, fresh()),
    );

    // peak RSS of a whole `in` through the entry point, against the size of the pack it receives,
    // and of the same entry point refusing a request at once: node and the bundle alone
    const peakMb = peakRssMb("in", [fresh()], { source: { uri, branch: "main" } }, env);
    const baseMb = peakRssMb("in", [fresh()], { source: {} }, env);
    const pack = packBytes(bare);

    // the same history with 128 MiB of incompressible files: a pack the size of a real
    // repository's, where node's own ~55 MB no longer hides how memory grows with the pack
    const bigBare = makeGeneratedRepo({ dir: join(work, "srv", "big.git"), commits, binaryBytes: 128 << 20 });
    const bigPeakMb = peakRssMb("in", [fresh()], { source: { uri: `${server.url}/big.git`, branch: "main" } }, env);
    const bigPackMb = packBytes(bigBare) / 1048576;

    const note = `${commits} commits, pack ${(pack / 1e6).toFixed(1)} MB, git http-backend on loopback`;
    const packMb = pack / 1048576;
    return [
      { name: "git check, upstream way: git fetch into bare cache + rev-list", medianMs: cliCheck, note },
      { name: "git check, jetway in-process, warm cache, remote unchanged", medianMs: warmCheck, baseline: "git check, upstream way: git fetch into bare cache + rev-list", note: "goal: >= 20x faster" },
      {
        name: "git http-backend's ref listing alone (GET info/refs, in-process fetch)",
        medianMs: refListing,
        baseline: "git check, upstream way: git fetch into bare cache + rev-list",
        note: "the floor under any check of this server: its ratio is the most a check could reach",
      },
      { name: "git in (full clone), upstream way: git clone + checkout, clean, metadata commands", medianMs: cliClone },
      { name: "git in (full clone), jetway in-process", medianMs: jwClone, baseline: "git in (full clone), upstream way: git clone + checkout, clean, metadata commands", note: "goal: no slower than the git CLI (ratio >= 1.0)" },
      { name: "git in (depth 1), upstream way: git clone --depth 1 + the same commands", medianMs: cliShallow },
      { name: "git in (depth 1), jetway in-process", medianMs: jwShallow, baseline: "git in (depth 1), upstream way: git clone --depth 1 + the same commands", note: "goal: ratio >= 1.0" },
      { name: "git in peak RSS (MB, not ms), entry point", medianMs: peakMb, note: `pack ${packMb.toFixed(1)} MB` },
      { name: "git in peak RSS (MB, not ms), entry point refusing the request: node + bundle", medianMs: baseMb, note: `in's own growth ${(peakMb - baseMb).toFixed(1)} MB = ${((peakMb - baseMb) / packMb).toFixed(1)}x the pack` },
      {
        name: "git in peak RSS (MB, not ms), entry point, same history + 128 MiB of binary files",
        medianMs: bigPeakMb,
        note: `pack ${bigPackMb.toFixed(1)} MB: peak = ${(bigPeakMb / bigPackMb).toFixed(2)}x the pack; goal <= 2x`,
      },
    ];
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

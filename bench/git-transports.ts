/**
 * Transport benchmark (not part of the test run):
 *   node bench/git-transports.ts [commits] [runs]
 * Serves one generated repository over git http-backend, sshd and the local
 * path, and times (median of `runs`) an isomorphic-git clone through each
 * transport against `git clone` from the same server, plus an unchanged-remote
 * check of the persistent cache. Needs the git CLI and sshd (.ci/services/git.sh).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { gitEnv, makeGeneratedRepo, startGitHttpServer, startSshServer, tempDir } from "../test/support/git-servers.ts";
import { withCachedRepo } from "../resource-types/git/cache.ts";
import { openRemote, type RemoteOptions } from "../resource-types/git/transport/index.ts";

const commits = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** The servers run in this process: a synchronous child would starve them. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(" ")}: ${err.trim()}`))));
  });
}

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const ssh = await startSshServer();
const http = await startGitHttpServer({ root: ssh.root });
const keyDir = tempDir("bench-key");
try {
  const repo = makeGeneratedRepo({ dir: join(ssh.root, "bench.git"), commits, files: 200 });
  ssh.adopt(repo);
  const packBytes = fs
    .readdirSync(join(repo, "objects/pack"))
    .filter((f) => f.endsWith(".pack"))
    .reduce((n, f) => n + fs.statSync(join(repo, "objects/pack", f)).size, 0);
  const keyFile = join(keyDir, "id");
  fs.writeFileSync(keyFile, ssh.keys.plain, { mode: 0o600 });
  const sshCommand = `ssh -i ${keyFile} -p ${ssh.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=quiet`;
  const transports: Array<{ name: string; uri: string; options: RemoteOptions; cliUri: string }> = [
    { name: "http", uri: `${http.url}/bench.git`, options: {}, cliUri: `${http.url}/bench.git` },
    { name: "ssh", uri: `ssh://${ssh.user}@127.0.0.1:${ssh.port}${repo}`, options: { private_key: ssh.keys.plain }, cliUri: `ssh://${ssh.user}@127.0.0.1:${ssh.port}${repo}` },
    { name: "local", uri: repo, options: {}, cliUri: `file://${repo}` },
  ];
  console.log(`repository: ${commits} commits, pack ${(packBytes / 1e6).toFixed(1)} MB; median of ${runs} runs (ms)`);
  console.log("transport | iso clone | iso fetch only | git clone | git clone --bare | cache check, unchanged");
  for (const t of transports) {
    const iso: number[] = [];
    const isoFetch: number[] = [];
    const cli: number[] = [];
    const cliBare: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = join(tempDir("bench"), "c");
      iso.push(
        await timed(async () => {
          const r = await openRemote(t.uri, t.options);
          await git.clone({ fs, http: r.http, dir, url: r.url });
          await r.close();
        }),
      );
      const gitdir = join(tempDir("bench"), "b.git");
      isoFetch.push(
        await timed(async () => {
          const r = await openRemote(t.uri, t.options);
          await git.init({ fs, gitdir, bare: true });
          await git.setConfig({ fs, gitdir, path: "remote.origin.fetch", value: "+refs/heads/*:refs/heads/*" });
          await git.fetch({ fs, http: r.http, gitdir, url: r.url, singleBranch: false, tags: true });
          await r.close();
        }),
      );
      for (const [list, extra] of [
        [cli, []],
        [cliBare, ["--bare"]],
      ] as const) {
        const target = join(tempDir("bench"), "cli");
        list.push(await timed(() => run(["clone", "-q", ...extra, t.cliUri, target], gitEnv({ GIT_SSH_COMMAND: sshCommand }))));
      }
    }
    const cacheRoot = tempDir("bench-cache");
    const check = async (): Promise<void> => {
      const r = await openRemote(t.uri, t.options);
      await withCachedRepo(t.uri, r, { root: cacheRoot }, async () => {});
      await r.close();
    };
    await check();
    const checks: number[] = [];
    for (let i = 0; i < Math.max(runs, 5); i++) checks.push(await timed(check));
    const f = (xs: number[]): string => median(xs).toFixed(0);
    console.log(`${t.name} | ${f(iso)} | ${f(isoFetch)} | ${f(cli)} | ${f(cliBare)} | ${median(checks).toFixed(1)}`);
  }
  // what upstream's check pays on an unchanged remote: a fetch into its bare cache
  const upstreamCache = join(tempDir("bench-upstream"), "cache.git");
  await run(["clone", "-q", "--bare", `${http.url}/bench.git`, upstreamCache], gitEnv());
  const fetches: number[] = [];
  for (let i = 0; i < 5; i++) fetches.push(await timed(() => run(["-C", upstreamCache, "fetch", "-q", "origin"], gitEnv())));
  console.log(`git fetch into a bare cache, unchanged, http: ${median(fetches).toFixed(1)} ms`);
} finally {
  await http.close();
  await ssh.close();
  // a private key must not outlive the run
  fs.rmSync(keyDir, { recursive: true, force: true });
}

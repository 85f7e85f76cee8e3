import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { hostname } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gitCli, gitCliService, makeFixtureRepo, removeTempDirs, startGitHttpServer, tempDir, type GitHttpServer } from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { cacheDirFor, withCachedRepo, type CacheOptions } from "./cache.ts";
import { openRemote } from "./transport/index.ts";

const SECRET = "cache-secret-Pa55";

await describeWithService(gitCliService, "persistent git cache", () => {
  afterAll(removeTempDirs);
  const root = tempDir("cache-repos");
  let server: GitHttpServer;
  beforeAll(async () => {
    server = await startGitHttpServer({ root, auth: { username: "u", password: SECRET } });
  });
  afterAll(async () => {
    await server?.close();
  });

  let n = 0;
  function fixture() {
    const repo = makeFixtureRepo({
      dir: join(root, `cached-${++n}`),
      bare: true,
      steps: [
        { commit: "one", files: { a: "1" } },
        { tag: "v1", message: "release one" },
        { branch: "old" },
        { commit: "on old", files: { b: "2" } },
        { checkout: "main" },
        { commit: "two", files: { a: "2" } },
      ],
    }) as ReturnType<typeof makeFixtureRepo> & { bare: string };
    const uri = `${server.url}/${basename(repo.bare)}`;
    return { repo, uri };
  }

  async function use(uri: string, options: CacheOptions, fn?: (gitdir: string) => Promise<void>) {
    const remote = await openRemote(uri, { username: "u", password: SECRET });
    try {
      return await withCachedRepo(uri, remote, options, async (c) => {
        await fn?.(c.gitdir);
        return { fetched: c.fetched, refs: c.refs, gitdir: c.gitdir };
      });
    } finally {
      await remote.close();
    }
  }

  function requestsFor(uri: string, from: number): string[] {
    const path = new URL(uri).pathname;
    return server.requests.slice(from).filter((l) => l.includes(path));
  }

  it("creates a bare mirror on first use, then costs one ref listing while the remote is unchanged", async () => {
    const { repo, uri } = fixture();
    const cacheRoot = tempDir("cache");
    const first = await use(uri, { root: cacheRoot });
    expect(first.fetched).toBe(true);
    expect(first.gitdir).toBe(cacheDirFor(uri, cacheRoot));
    expect(basename(first.gitdir)).toMatch(/^[0-9a-f]{40}\.git$/);
    expect(gitCli(first.gitdir, ["rev-parse", "main", "old", "v1"]).trim().split("\n")).toEqual([
      repo.rev("main"),
      repo.rev("old"),
      repo.git("rev-parse", "v1").trim(),
    ]);
    expect(gitCli(first.gitdir, ["symbolic-ref", "HEAD"]).trim()).toBe("refs/heads/main");
    expect(first.refs.find((r) => r.ref === "HEAD")).toMatchObject({ target: "refs/heads/main", oid: repo.rev("main") });
    expect(first.refs.find((r) => r.ref === "refs/tags/v1")?.peeled).toBe(repo.rev("v1^{commit}"));
    gitCli(first.gitdir, ["fsck", "--strict", "--no-progress"]);

    const mark = server.requests.length;
    const second = await use(uri, { root: cacheRoot });
    expect(second.fetched).toBe(false);
    expect(requestsFor(uri, mark)).toEqual([`GET ${new URL(uri).pathname}/info/refs?service=git-upload-pack`]);
  });

  it("follows new commits, moved tags and deleted branches", async () => {
    const { repo, uri } = fixture();
    const cacheRoot = tempDir("cache");
    await use(uri, { root: cacheRoot });
    repo.git("commit", "-q", "--allow-empty", "-m", "three");
    repo.git("tag", "-f", "-a", "v1", "-m", "moved");
    repo.git("push", "-q", "-f", repo.bare, "main", "refs/tags/v1");
    gitCli(repo.bare, ["branch", "-D", "old"]);
    const mark = server.requests.length;
    const after = await use(uri, { root: cacheRoot });
    expect(after.fetched).toBe(true);
    expect(requestsFor(uri, mark).filter((l) => l.startsWith("POST"))).toHaveLength(1);
    expect(gitCli(after.gitdir, ["rev-parse", "main"]).trim()).toBe(repo.rev("main"));
    expect(gitCli(after.gitdir, ["rev-parse", "v1"]).trim()).toBe(gitCli(repo.bare, ["rev-parse", "v1"]).trim());
    expect(gitCli(after.gitdir, ["branch", "--list", "old"]).trim()).toBe("");
    expect((await use(uri, { root: cacheRoot })).fetched).toBe(false);
  });

  it("serialises concurrent checks of one URI: one fetch, and never two users inside at once", async () => {
    const { uri } = fixture();
    const cacheRoot = tempDir("cache");
    const mark = server.requests.length;
    let inside = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        use(uri, { root: cacheRoot }, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 30));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(results.filter((r) => r.fetched)).toHaveLength(1);
    expect(requestsFor(uri, mark).filter((l) => l.startsWith("POST"))).toHaveLength(1);
  });

  it("serialises checks in separate processes too", async () => {
    const { uri } = fixture();
    const cacheRoot = tempDir("cache");
    const script = join(tempDir("cache-child"), "child.ts");
    const here = new URL(".", import.meta.url).pathname;
    fs.writeFileSync(
      script,
      [
        `import { withCachedRepo } from ${JSON.stringify(join(here, "cache.ts"))};`,
        `import { openRemote } from ${JSON.stringify(join(here, "transport/index.ts"))};`,
        `const uri = process.argv[2];`,
        `const remote = await openRemote(uri, { username: "u", password: process.env.PW });`,
        `const fetched = await withCachedRepo(uri, remote, { root: process.argv[3] }, async (c) => c.fetched);`,
        `await remote.close();`,
        `console.log(JSON.stringify({ fetched }));`,
      ].join("\n"),
    );
    const mark = server.requests.length;
    const child = (): Promise<{ fetched: boolean }> =>
      new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [script, uri, cacheRoot], { env: { ...process.env, PW: SECRET } });
        let out = "";
        let err = "";
        p.stdout.on("data", (d: Buffer) => (out += d.toString()));
        p.stderr.on("data", (d: Buffer) => (err += d.toString()));
        p.once("close", (code) => (code === 0 ? resolve(JSON.parse(out) as { fetched: boolean }) : reject(new Error(err))));
      });
    const results = await Promise.all([child(), child(), use(uri, { root: cacheRoot }).then((r) => ({ fetched: r.fetched }))]);
    expect(results.filter((r) => r.fetched)).toHaveLength(1);
    expect(requestsFor(uri, mark).filter((l) => l.startsWith("POST"))).toHaveLength(1);
  });

  it("takes over a lock left by a dead process, waits for a live one, and takes over one gone stale", async () => {
    const { uri } = fixture();
    const cacheRoot = tempDir("cache");
    const lock = `${cacheDirFor(uri, cacheRoot)}.lock`;
    fs.mkdirSync(cacheRoot, { recursive: true });
    const dead = spawnSync("true").pid as number;
    fs.writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), token: "dead" }));
    expect((await use(uri, { root: cacheRoot })).fetched).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);

    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: "alive" }));
    await expect(use(uri, { root: cacheRoot, lockTimeoutMs: 300 })).rejects.toThrow(/timed out waiting for the git cache lock/);

    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lock, old, old);
    expect((await use(uri, { root: cacheRoot, staleLockMs: 60_000 })).fetched).toBe(false);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it("cleans up after a creation that crashed, and stores no credentials", async () => {
    const { uri } = fixture();
    const cacheRoot = tempDir("cache");
    const dir = cacheDirFor(uri, cacheRoot);
    fs.mkdirSync(`${dir}.tmp-123-dead`, { recursive: true });
    const withCreds = uri.replace("http://", `http://u:${SECRET}@`);
    expect(cacheDirFor(withCreds, cacheRoot)).toBe(dir);
    const remote = await openRemote(withCreds);
    try {
      await withCachedRepo(withCreds, remote, { root: cacheRoot }, async () => {});
    } finally {
      await remote.close();
    }
    expect(fs.readdirSync(cacheRoot).sort()).toEqual([basename(dir)]);
    const grep = spawnSync("grep", ["-r", "-l", SECRET, cacheRoot]);
    expect(grep.stdout.toString()).toBe("");
  });

  it("works the same through the local transport, including an empty remote", async () => {
    const { repo } = fixture();
    const cacheRoot = tempDir("cache");
    for (const uri of [repo.bare, `file://${repo.bare}`]) {
      const remote = await openRemote(uri);
      const refs = await withCachedRepo(uri, remote, { root: cacheRoot }, async (c) => c.refs);
      await remote.close();
      expect(refs.find((r) => r.ref === "refs/heads/main")?.oid).toBe(repo.rev("main"));
    }
    const empty = join(root, `empty-${n}.git`);
    gitCli(root, ["init", "-q", "--bare", empty]);
    const remote = await openRemote(empty);
    const state = await withCachedRepo(empty, remote, { root: cacheRoot }, async (c) => ({ refs: c.refs, fetched: c.fetched }));
    await remote.close();
    expect(state.refs).toEqual([]);
  });
});

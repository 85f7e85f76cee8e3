import fs from "node:fs";
import { basename, join } from "node:path";
import git from "isomorphic-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  gitCliService,
  makeGeneratedRepo,
  startGitHttpServer,
  startProxy,
  removeTempDirs,
  tempDir,
  type GitHttpServer,
} from "../../../test/support/git-servers.ts";
import { describeWithService } from "../../../test/support/services.ts";
import { conformance, servedFixture, withRemote, type TransportUnderTest } from "./conformance.ts";
import type { RemoteOptions } from "./types.ts";

const SECRET = "pa55-w0rd-that-must-not-leak";

async function listRefs(uri: string, options: RemoteOptions): Promise<unknown> {
  return withRemote(uri, options, (r) => git.listServerRefs({ http: r.http, url: r.url, protocolVersion: 1 }));
}

async function failure(p: Promise<unknown>): Promise<Error & { code?: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected a failure").toBeInstanceOf(Error);
  return err as Error & { code?: string };
}

await describeWithService(gitCliService, "http transport", () => {
  afterAll(removeTempDirs);
  const root = tempDir("http-repos");
  const servers: GitHttpServer[] = [];
  let open: GitHttpServer;
  let authed: GitHttpServer;
  let t: TransportUnderTest;

  beforeAll(async () => {
    open = await startGitHttpServer({ root });
    authed = await startGitHttpServer({ root, auth: { username: "ci", password: SECRET } });
    servers.push(open, authed);
    t = { reposRoot: root, uriFor: (p) => `${open.url}/${basename(p)}`, options: {}, prepare: () => {} };
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  describe("git http-backend, no auth", () => conformance(() => t));
  describe("git http-backend, basic auth from username/password", () =>
    conformance(() => ({ ...t, uriFor: (p) => `${authed.url}/${basename(p)}`, options: { username: "ci", password: SECRET } })));

  it("takes credentials from the URI too, and never shows them", async () => {
    const repo = servedFixture(t);
    const port = new URL(authed.url).port;
    const refs = await listRefs(`http://ci:${encodeURIComponent(SECRET)}@127.0.0.1:${port}/${basename(repo.bare)}`, {});
    expect(refs).not.toEqual([]);
    const remote = await (await import("./index.ts")).openRemote(`http://ci:${SECRET}@127.0.0.1:${port}/x.git`);
    expect(remote.url).not.toContain(SECRET);
    expect(remote.uri).not.toContain(SECRET);
    await remote.close();
  });

  it("fails a wrong password with one line naming the URL but not the secret", async () => {
    const repo = servedFixture(t);
    const uri = `${authed.url}/${basename(repo.bare)}`;
    for (const options of [{ username: "ci", password: "wrong-" + SECRET }, {}]) {
      const err = await failure(listRefs(uri, options));
      expect(err.message).toContain(`${uri}: authentication failed (HTTP 401`);
      expect(err.message).not.toContain(SECRET);
      expect(err.message).not.toMatch(/\n/);
    }
    const inUri = await failure(listRefs(uri.replace("http://", `http://ci:wrong${SECRET}@`), {}));
    expect(inUri.message).not.toContain(SECRET);
    expect(inUri.message).toContain("authentication failed");
  });

  it("reports an unreachable host", async () => {
    const refused = await failure(listRefs("http://127.0.0.1:1/repo.git", { timeout: 5_000 }));
    expect(refused.message).toMatch(/^cannot reach 127\.0\.0\.1:1: .*ECONNREFUSED/);
    const unknown = await failure(listRefs("https://no-such-host.invalid/repo.git", { timeout: 5_000 }));
    expect(unknown.message).toMatch(/^cannot reach no-such-host\.invalid: .*(ENOTFOUND|EAI_AGAIN)/);
  });

  it("errors within a bounded time when the server drops the connection mid-pack", async () => {
    const repo = makeGeneratedRepo({ dir: join(root, "big-drop.git"), commits: 300, files: 60 });
    const dropping = await startGitHttpServer({ root, fault: { afterBytes: 20_000, mode: "drop" } });
    servers.push(dropping);
    const dir = join(tempDir("drop"), "c");
    const started = Date.now();
    const err = await failure(
      withRemote(`${dropping.url}/${basename(repo)}`, { timeout: 10_000 }, (r) => git.clone({ fs, http: r.http, dir, url: r.url })),
    );
    // bounded well below the test timeout, with room for a loaded machine
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(err.message).toMatch(/closed before the response was complete|ended the response early/);
  });

  it("errors after the idle timeout when the server stalls mid-pack", async () => {
    const repo = makeGeneratedRepo({ dir: join(root, "big-stall.git"), commits: 300, files: 60 });
    const stalling = await startGitHttpServer({ root, fault: { afterBytes: 20_000, mode: "stall" } });
    servers.push(stalling);
    const dir = join(tempDir("stall"), "c");
    const started = Date.now();
    const err = await failure(
      withRemote(`${stalling.url}/${basename(repo)}`, { timeout: 1_000 }, (r) => git.clone({ fs, http: r.http, dir, url: r.url })),
    );
    // bounded well below the test timeout, with room for a loaded machine
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(err.message).toMatch(/sent nothing for 1s/);
  });

  it("follows a redirect of the ref listing and sends the POSTs to where it led", async () => {
    const repo = servedFixture(t);
    const redirecting = await startGitHttpServer({ root, redirect: { from: "/old/", to: "/" } });
    servers.push(redirecting);
    const dir = join(tempDir("redirect"), "c");
    await withRemote(`${redirecting.url}/old/${basename(repo.bare)}`, {}, (r) => git.clone({ fs, http: r.http, dir, url: r.url }));
    expect(fs.existsSync(join(dir, "src/a.txt"))).toBe(true);
    const posts = redirecting.requests.filter((l) => l.startsWith("POST"));
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((l) => !l.includes("/old/"))).toBe(true);
  });

  describe("https", () => {
    let tls: GitHttpServer;
    beforeAll(async () => {
      tls = await startGitHttpServer({ root, tls: true });
      servers.push(tls);
    });

    it("refuses a self-signed certificate unless skip_ssl_verification is set", async () => {
      const repo = servedFixture(t);
      const uri = `${tls.url}/${basename(repo.bare)}`;
      const err = await failure(listRefs(uri, {}));
      expect(err.message).toMatch(/TLS verification of 127\.0\.0\.1:\d+ failed: .*skip_ssl_verification/);
      const dir = join(tempDir("https"), "c");
      await withRemote(uri, { skip_ssl_verification: true }, (r) => git.clone({ fs, http: r.http, dir, url: r.url }));
      expect(fs.existsSync(join(dir, "src/a.txt"))).toBe(true);
    });

    it("tunnels through HTTPS_PROXY with CONNECT, with proxy credentials, and honours NO_PROXY", async () => {
      const repo = servedFixture(t);
      const proxy = await startProxy({ auth: { username: "px", password: SECRET } });
      try {
        const proxyUrl = proxy.url.replace("http://", `http://px:${SECRET}@`);
        const uri = `${tls.url}/${basename(repo.bare)}`;
        const dir = join(tempDir("proxy"), "c");
        await withRemote(uri, { skip_ssl_verification: true, env: { HTTPS_PROXY: proxyUrl } }, (r) =>
          git.clone({ fs, http: r.http, dir, url: r.url }),
        );
        expect(proxy.connects).toEqual([`127.0.0.1:${tls.port}`]);
        await listRefs(uri, { skip_ssl_verification: true, env: { HTTPS_PROXY: proxyUrl, NO_PROXY: "localhost,127.0.0.1" } });
        expect(proxy.connects).toHaveLength(1);
        const denied = await failure(listRefs(uri, { skip_ssl_verification: true, env: { HTTPS_PROXY: proxy.url } }));
        expect(denied.message).toMatch(/proxy authentication failed/);
        expect(denied.message).not.toContain(SECRET);
      } finally {
        await proxy.close();
      }
    });
  });

  it("sends plain http through HTTP_PROXY as absolute-form requests", async () => {
    const repo = servedFixture(t);
    const proxy = await startProxy();
    try {
      const dir = join(tempDir("http-proxy"), "c");
      await withRemote(`${open.url}/${basename(repo.bare)}`, { env: { http_proxy: proxy.url } }, (r) =>
        git.clone({ fs, http: r.http, dir, url: r.url }),
      );
      expect(proxy.forwarded.some((u) => u.startsWith(`${open.url}/${basename(repo.bare)}/info/refs`))).toBe(true);
      expect(proxy.forwarded.some((u) => u.endsWith("/git-upload-pack"))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("stops at once on an AbortSignal", async () => {
    const repo = servedFixture(t);
    const controller = new AbortController();
    controller.abort();
    const err = await failure(listRefs(`${open.url}/${basename(repo.bare)}`, { signal: controller.signal }));
    expect(err.code).toBe("ABORTED");
  });
});

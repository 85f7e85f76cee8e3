import fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeGeneratedRepo, removeTempDirs, sshdService, startSshServer, tempDir, type SshServer } from "../../../test/support/git-servers.ts";
import { describeWithService } from "../../../test/support/services.ts";
import { conformance, servedFixture, withRemote, type TransportUnderTest } from "./conformance.ts";
import { MISSING_PASSPHRASE } from "./ssh-key.ts";
import { createSshTransport } from "./ssh.ts";
import type { RemoteOptions } from "./types.ts";

async function failure(p: Promise<unknown>): Promise<Error & { code?: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected a failure").toBeInstanceOf(Error);
  return err as Error & { code?: string };
}

function noSecrets(message: string, ...secrets: string[]): void {
  for (const s of secrets) {
    for (const line of s.split("\n").filter((l) => l.trim().length >= 8)) expect(message).not.toContain(line.trim());
  }
}

await describeWithService(sshdService, "ssh transport", () => {
  afterAll(removeTempDirs);
  let ssh: SshServer;
  let t: TransportUnderTest;
  beforeAll(async () => {
    ssh = await startSshServer();
    t = {
      reposRoot: ssh.root,
      uriFor: (p) => `ssh://${ssh.user}@${ssh.host}:${ssh.port}${p}`,
      options: { private_key: ssh.keys.plain },
      prepare: (p) => ssh.adopt(p),
    };
  });
  afterAll(async () => {
    await ssh?.close();
  });

  describe("ssh:// with an OpenSSH ed25519 key", () => conformance(() => t));
  describe("scp-style user@host:path with an encrypted PEM RSA key and private_key_user", () =>
    conformance(() => ({
      ...t,
      uriFor: (p) => `${ssh.host}:${p}`,
      options: {
        private_key: ssh.keys.encryptedPem,
        private_key_passphrase: ssh.keys.passphrase,
        private_key_user: ssh.user,
        ssh_port: ssh.port,
      },
    })));

  const listRefs = (uri: string, options: RemoteOptions): Promise<unknown> =>
    withRemote(uri, options, (r) => git.listServerRefs({ http: r.http, url: r.url, protocolVersion: 1 }));

  it("accepts every key format: OpenSSH and PEM, plain and encrypted", async () => {
    const repo = servedFixture(t);
    const uri = t.uriFor(repo.bare);
    for (const options of [
      { private_key: ssh.keys.plain },
      { private_key: ssh.keys.rsaPem },
      { private_key: ssh.keys.encrypted, private_key_passphrase: ssh.keys.passphrase },
      // keys pasted with CRLF line ends and indentation still load
      { private_key: ssh.keys.plain.replace(/\n/g, "\r\n  ") },
    ]) {
      expect(await listRefs(uri, options)).not.toEqual([]);
    }
  });

  it("says upstream's words when an encrypted key has no passphrase", async () => {
    const repo = servedFixture(t);
    for (const key of [ssh.keys.encrypted, ssh.keys.encryptedPem]) {
      const err = await failure(listRefs(t.uriFor(repo.bare), { private_key: key }));
      expect(err.message).toBe(MISSING_PASSPHRASE);
      expect(MISSING_PASSPHRASE).toBe("Private key has a passphrase but private_key_passphrase has not been set.");
    }
    const wrong = await failure(listRefs(t.uriFor(repo.bare), { private_key: ssh.keys.encrypted, private_key_passphrase: "nope-nope" }));
    expect(wrong.message).toMatch(/private_key_passphrase is wrong/);
    noSecrets(wrong.message, ssh.keys.encrypted, "nope-nope");
  });

  it("fails a key the server does not know, or a wrong user, with one line and no key material", async () => {
    const repo = servedFixture(t);
    const err = await failure(listRefs(t.uriFor(repo.bare), { private_key: ssh.keys.wrong }));
    expect(err.message).toBe(`ssh ${ssh.user}@${ssh.host}:${ssh.port}: authentication failed (the server refused private_key)`);
    noSecrets(err.message, ssh.keys.wrong);
    const user = await failure(listRefs(`ssh://nobody-here@${ssh.host}:${ssh.port}${repo.bare}`, { private_key: ssh.keys.plain }));
    expect(user.message).toMatch(/^ssh nobody-here@.*authentication failed/);
    const garbage = await failure(listRefs(t.uriFor(repo.bare), { private_key: "-----BEGIN NONSENSE-----\nabc\n-----END NONSENSE-----" }));
    expect(garbage.message).toMatch(/^private_key is not a usable private key/);
    expect(garbage.message).not.toContain("abc");
  });

  it("reports an unreachable host within the timeout", async () => {
    const started = Date.now();
    const err = await failure(listRefs("ssh://git@127.0.0.1:1/repo.git", { private_key: ssh.keys.plain, timeout: 5_000 }));
    expect(err.message).toMatch(/^cannot reach 127\.0\.0\.1:1: .*ECONNREFUSED/);
    const dns = await failure(listRefs("git@no-such-host.invalid:repo.git", { private_key: ssh.keys.plain, timeout: 5_000 }));
    expect(dns.message).toMatch(/^cannot reach no-such-host\.invalid:22: .*(ENOTFOUND|EAI_AGAIN)/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("passes on the server's reason for a missing repository", async () => {
    const err = await failure(listRefs(t.uriFor(join(ssh.root, "nope.git")), t.options));
    expect(err.message).toMatch(/git-upload-pack '.*nope\.git' on .* failed: fatal: '.*nope\.git' does not appear to be a git repository/);
  });

  it("reuses one SSH connection for all the requests of a Remote, and the listing's process for the POST", async () => {
    const repo = servedFixture(t);
    const transport = createSshTransport({ user: ssh.user, host: ssh.host, port: ssh.port, path: repo.bare }, { private_key: ssh.keys.plain });
    const dir = join(tempDir("ssh-reuse"), "c");
    try {
      await git.clone({ fs, http: transport.http, dir, url: transport.url });
      await git.fetch({ fs, http: transport.http, dir, url: transport.url });
      await git.listServerRefs({ http: transport.http, url: transport.url, protocolVersion: 1 });
    } finally {
      await transport.close();
    }
    expect(transport.stats.connections).toBe(1);
    // three ref listings; the clone's and the fetch's POSTs went to the processes that listed
    expect(transport.stats.execs).toBe(3);
  });

  it("errors, not hangs, when the server cuts the pack short and exits 0", async () => {
    const repo = makeGeneratedRepo({ dir: join(ssh.root, "cut.git"), commits: 200, files: 40 });
    ssh.adopt(repo);
    const dir = join(tempDir("ssh-cut"), "c");
    const started = Date.now();
    const err = await failure(
      withRemote(t.uriFor(repo), { private_key: ssh.keys.truncating, timeout: 10_000 }, (r) => git.clone({ fs, http: r.http, dir, url: r.url })),
    );
    // bounded well below the test timeout, with room for a loaded machine
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(err.message).toMatch(/ended the git-upload-pack response early, after \d+ bytes/);
  });

  it("errors after the idle timeout when the server stalls mid-pack", async () => {
    const repo = makeGeneratedRepo({ dir: join(ssh.root, "stall.git"), commits: 200, files: 40 });
    ssh.adopt(repo);
    const dir = join(tempDir("ssh-stall"), "c");
    const started = Date.now();
    const err = await failure(
      withRemote(t.uriFor(repo), { private_key: ssh.keys.stalling, timeout: 1_000 }, (r) => git.clone({ fs, http: r.http, dir, url: r.url })),
    );
    // bounded well below the test timeout, with room for a loaded machine
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(err.message).toMatch(/sent nothing for 1s during git-upload-pack/);
  });

  it("stops on an AbortSignal", async () => {
    const repo = servedFixture(t);
    const controller = new AbortController();
    controller.abort();
    const err = await failure(listRefs(t.uriFor(repo.bare), { ...t.options, signal: controller.signal }));
    expect(err.code).toBe("ABORTED");
  });
});

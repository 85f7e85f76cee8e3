/**
 * fetch-pack over the in-process local transport (a real upload-pack
 * conversation): the pack lands indexed and complete whatever sizes the
 * response arrives in; shallow lines come back; server errors and cut
 * streams fail in one line and leave no temporary pack behind.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gitCli, gitCliService, makeFixtureRepo, removeTempDirs, tempDir, type FixtureRepo } from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { fetchPack } from "./fetch-pack.ts";
import { initGitDir } from "./git-dir.ts";
import { fetchRefAdvertisement } from "./ref-advertisement.ts";
import { openRemote, type Remote } from "./transport/index.ts";
import type { GitHttpResponse } from "./transport/types.ts";

let repo: FixtureRepo;
let work: string;
let n = 0;

function freshGitdir(): string {
  const dir = join(work, `clone-${n++}`);
  mkdirSync(dir);
  initGitDir(join(dir, ".git"), "main", "x");
  return join(dir, ".git");
}

/** The same remote, its responses re-cut into `size`-byte chunks, optionally replaced. */
function rechunked(remote: Remote, size: number, edit?: (bytes: Buffer) => Buffer): Remote {
  return {
    ...remote,
    http: {
      async request(req) {
        const res = await remote.http.request(req);
        const parts: Buffer[] = [];
        for await (const c of res.body ?? []) parts.push(Buffer.from(c));
        let all: Buffer = Buffer.concat(parts);
        if (edit && req.method === "POST") all = edit(all);
        async function* body() {
          for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
        }
        return { ...res, body: body() } as GitHttpResponse;
      },
    },
  };
}

await describeWithService(gitCliService, "fetch-pack over a real upload-pack", () => {
  beforeAll(() => {
    work = tempDir("fetch-pack");
    const steps = [];
    for (let i = 0; i < 8; i++) steps.push({ commit: `c${i}`, files: { "f.txt": `version ${i}\n`.repeat(50 + i), [`d/${i}.txt`]: `${i}\n` } });
    repo = makeFixtureRepo({ dir: join(work, "src"), steps });
  });
  afterAll(() => removeTempDirs());

  it.each([1, 7, 65536])("gets a complete, indexed pack when the response comes in %i-byte pieces", async (size) => {
    const remote = rechunked(await openRemote(repo.dir), size);
    try {
      const ad = await fetchRefAdvertisement(remote);
      const gitdir = freshGitdir();
      const tip = ad.refs.get("refs/heads/main")!;
      const result = await fetchPack(remote, gitdir, ad.capabilities, { wants: [tip] });
      expect(result.objects).toBe(gitCli(repo.dir, ["rev-list", "--objects", "main"]).trim().split("\n").length);
      expect(result.shallow).toEqual([]);
      gitCli(gitdir, ["update-ref", "refs/heads/main", tip]);
      gitCli(gitdir, ["fsck", "--full", "--strict", "--no-dangling"]);
      expect(readdirSync(join(gitdir, "objects", "pack")).sort()).toEqual([`pack-${result.pack!.match(/pack-([0-9a-f]{40})/)![1]}.idx`, result.pack!.split("/").pop()]);
    } finally {
      await remote.close();
    }
  });

  it("a deepen request gets the shallow boundary back", async () => {
    const remote = await openRemote(repo.dir);
    try {
      const ad = await fetchRefAdvertisement(remote);
      const result = await fetchPack(remote, freshGitdir(), ad.capabilities, { wants: [ad.refs.get("refs/heads/main")!], depth: 2 });
      expect(result.shallow).toEqual([repo.rev("main~1")]);
      expect(result.objects).toBeGreaterThan(0);
    } finally {
      await remote.close();
    }
  });

  it("a side-band error, a cut stream and a corrupt pack fail in one line and leave no temporary files", async () => {
    const base = await openRemote(repo.dir);
    try {
      const ad = await fetchRefAdvertisement(base);
      const want = { wants: [ad.refs.get("refs/heads/main")!] };
      const cases: Array<[(b: Buffer) => Buffer, RegExp]> = [
        // NAK, then band 3 where the pack should start
        [(b) => Buffer.concat([b.subarray(0, 8), Buffer.from("0013\x03upload failed!"), Buffer.from("0000")]), /^fatal: remote error: upload failed!$/],
        [(b) => b.subarray(0, b.length - 1000), /ended without its closing flush/],
        [(b) => Buffer.concat([b.subarray(0, 500), Buffer.from([b[500]! ^ 0xff]), b.subarray(501)]), /bad pack from the server|side-band/],
      ];
      for (const [edit, message] of cases) {
        const gitdir = freshGitdir();
        const err = await fetchPack(rechunked(base, 4096, edit), gitdir, ad.capabilities, want).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).toMatch(message);
        expect((err as Error).message).not.toContain("\n");
        expect(readdirSync(join(gitdir, "objects", "pack"))).toEqual([]);
      }
    } finally {
      await base.close();
    }
  });
});

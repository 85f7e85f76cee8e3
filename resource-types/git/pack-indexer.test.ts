/**
 * pack-indexer against `git index-pack` as the oracle: packs git writes (by
 * offset and by reference deltas, through a window far smaller than the pack)
 * must get byte-identical .idx files; thin packs need their outside bases;
 * damaged packs fail with PackFormatError.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gitCli, gitCliService, gitEnv, makeFixtureRepo, removeTempDirs, tempDir, type FixtureRepo } from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { indexPack, PackFormatError, type ExternalObject } from "./pack-indexer.ts";
import { ObjectStore } from "./transport/object-store.ts";

let repo: FixtureRepo;
let work: string;

/** A pack of everything reachable from `revs`, written by git with its own .idx beside it. */
function gitPack(name: string, revs: string, flags: string[]): { pack: string; idx: string } {
  const dir = join(work, name);
  gitCli(repo.dir, ["init", "-q", "--bare", dir]);
  const base = join(dir, "p");
  const sha = gitCli(repo.dir, ["pack-objects", "--revs", ...flags, base], {}, revs).trim();
  return { pack: `${base}-${sha}.pack`, idx: `${base}-${sha}.idx` };
}

function lines(n: number, seed: string): string {
  return Array.from({ length: n }, (_, i) => `${seed} line ${i} ${"lorem ipsum ".repeat(i % 7)}`).join("\n") + "\n";
}

await describeWithService(gitCliService, "pack-indexer against git index-pack", () => {
  beforeAll(() => {
    work = tempDir("pack-indexer");
    const noise = randomBytes(150_000).toString("base64");
    const steps = [];
    for (let i = 0; i < 12; i++) {
      steps.push({
        commit: `change ${i}`,
        files: { "a/text.txt": lines(200 + i * 3, `v${i}`), [`b/file${i % 3}.txt`]: lines(50, `f${i}`), "big.bin": noise.slice(i) },
      });
    }
    repo = makeFixtureRepo({ dir: join(work, "src"), steps: [...steps, { tag: "v1", message: "annotated" }] });
  });
  afterAll(() => removeTempDirs());

  it.each([
    ["offset deltas", ["--all", "--delta-base-offset"]],
    ["reference deltas", ["--all"]],
  ])("writes git's own .idx for a pack with %s, through a tiny window", (_, flags) => {
    const { pack, idx } = gitPack(`full-${flags.length}`, "", flags);
    const ours = join(work, `ours-${flags.length}.idx`);
    const result = indexPack(pack, ours, { window: 64 });
    expect(readFileSync(ours).equals(readFileSync(idx))).toBe(true);
    expect(result.checksum).toBe(pack.match(/p-([0-9a-f]{40})\.pack$/)![1]);
    // rev-list --objects lists annotated tag objects too
    expect(result.objects).toBe(gitCli(repo.dir, ["rev-list", "--objects", "--all"]).trim().split("\n").length);
  });

  it("the same with the default window", () => {
    const { pack, idx } = gitPack("full-default", "", ["--all", "--delta-base-offset"]);
    const ours = join(work, "ours-default.idx");
    indexPack(pack, ours);
    expect(readFileSync(ours).equals(readFileSync(idx))).toBe(true);
  });

  it("resolves a thin pack against the repository's objects, and refuses it without them", () => {
    const dir = join(work, "thin");
    gitCli(repo.dir, ["init", "-q", "--bare", dir]);
    const pack = join(dir, "thin.pack");
    writeFileSync(pack, gitCliBytes(["pack-objects", "--revs", "--thin", "--stdout", "--delta-base-offset"], "main\n^main~2\n"));
    expect(() => indexPack(pack, join(dir, "thin.idx"))).toThrow(/unresolved deltas/);
    const store = new ObjectStore(join(repo.dir, ".git", "objects"));
    try {
      const externalBase = (oid: string) => {
        const o = store.read(oid);
        return { type: o.type as ExternalObject["type"], data: o.data };
      };
      indexPack(pack, join(dir, "thin.idx"), { externalBase });
    } finally {
      store.close();
    }
    const listed = gitCli(dir, ["show-index"], {}, readFileSync(join(dir, "thin.idx")))
      .trim()
      .split("\n")
      .map((l) => l.split(" ")[1])
      .sort();
    const expected = gitCli(repo.dir, ["rev-list", "--objects", "main", "^main~2"])
      .trim()
      .split("\n")
      .map((l) => l.slice(0, 40))
      .sort();
    expect(listed).toEqual(expected);
  });

  it("fails on a damaged or truncated pack", () => {
    const { pack } = gitPack("damaged", "", ["--all", "--delta-base-offset"]);
    const bytes = readFileSync(pack);
    const damaged = (name: string, b: Buffer) => {
      const path = join(work, name);
      writeFileSync(path, b);
      return () => indexPack(path, `${path}.idx`);
    };
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 0xff;
    expect(damaged("flipped.pack", flipped)).toThrow(PackFormatError);
    const trailer = Buffer.from(bytes);
    trailer[trailer.length - 1]! ^= 1;
    expect(damaged("trailer.pack", trailer)).toThrow(/checksum mismatch/);
    expect(damaged("short.pack", bytes.subarray(0, bytes.length - 100))).toThrow(PackFormatError);
    expect(damaged("not.pack", Buffer.from("PACX" + "\0".repeat(40)))).toThrow(/PACK signature/);
    expect(readdirSync(work).filter((f) => f.endsWith(".pack.idx"))).toEqual([]);
  });
});

/** gitCli decodes stdout as text; a pack must stay bytes. */
function gitCliBytes(args: string[], input: string): Buffer {
  const r = spawnSync("git", args, { cwd: repo.dir, env: gitEnv(), input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout;
}

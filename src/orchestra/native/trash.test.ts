import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Trash } from "./trash.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "jetway-trash-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("Trash", () => {
  it("moves a folder away at once and removes it in the background, links not followed", async () => {
    const kept = join(root, "kept");
    await mkdir(kept);
    await writeFile(join(kept, "file"), "stays");
    const work = join(root, "work");
    await mkdir(join(work, "a", "b"), { recursive: true });
    await writeFile(join(work, "a", "b", "f"), "x");
    await symlink(kept, join(work, "link"), "dir");
    const trash = new Trash(join(root, "trash"));

    expect(trash.discard(work)).toBe(true);
    expect((await readdir(root)).sort()).toEqual(["kept", "trash"]);
    await trash.settled();
    expect(await readdir(join(root, "trash"))).toEqual([]);
    expect(await readFile(join(kept, "file"), "utf8")).toBe("stays");
  });

  it("counts a path that is gone as discarded and makes no trash folder for it", async () => {
    const trash = new Trash(join(root, "ns", "trash"));
    expect(trash.discard(join(root, "ns", "containers", "x"))).toBe(true);
    await trash.settled();
    expect(await readdir(root)).toEqual([]);
  });

  it("gives the same name twice without a clash", async () => {
    const trash = new Trash(join(root, "trash"));
    for (const content of ["one", "two"]) {
      await mkdir(join(root, "work"));
      await writeFile(join(root, "work", "f"), content);
      expect(trash.discard(join(root, "work"))).toBe(true);
    }
    await trash.settled();
    expect(await readdir(root)).toEqual(["trash"]);
    expect(await readdir(join(root, "trash"))).toEqual([]);
  });
});

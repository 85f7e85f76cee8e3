import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BadPatternError, goClean, goGlob, goMatch } from "./go-glob.ts";

describe("filepath.Match", () => {
  it("matches *, ? and classes without crossing /", () => {
    expect(goMatch("*.tgz", "release-1.0.tgz")).toBe(true);
    expect(goMatch("*.tgz", "dir/release.tgz")).toBe(false);
    expect(goMatch("*/*.tgz", "dir/release.tgz")).toBe(true);
    expect(goMatch("rel?ase", "release")).toBe(true);
    expect(goMatch("rel?ase", "rel/ase")).toBe(false);
    expect(goMatch("v[0-9].txt", "v7.txt")).toBe(true);
    expect(goMatch("v[^0-9].txt", "v7.txt")).toBe(false);
    expect(goMatch("a\\*b", "a*b")).toBe(true);
    expect(goMatch("*", ".hidden")).toBe(true);
  });

  it("rejects malformed patterns as ErrBadPattern", () => {
    expect(() => goMatch("[", "x")).toThrow(BadPatternError);
    expect(() => goMatch("a[", "b")).toThrow("syntax error in pattern");
    expect(() => goMatch("x\\", "x")).toThrow(BadPatternError);
  });

  it("cleans paths as filepath.Clean", () => {
    expect(goClean("a/b/../c/")).toBe("a/c");
    expect(goClean("")).toBe(".");
    expect(goClean("/../x")).toBe("/x");
  });
});

describe("filepath.Glob", () => {
  it("lists matches sorted, across matching folders", async () => {
    const root = mkdtempSync(join(tmpdir(), "jetway-glob-"));
    mkdirSync(join(root, "a1"));
    mkdirSync(join(root, "a2"));
    writeFileSync(join(root, "a2", "r-2.tgz"), "");
    writeFileSync(join(root, "a1", "r-1.tgz"), "");
    writeFileSync(join(root, "a1", "notes.txt"), "");
    expect(await goGlob(join(root, "a*/r-*.tgz"))).toEqual([join(root, "a1/r-1.tgz"), join(root, "a2/r-2.tgz")]);
    expect(await goGlob(join(root, "a1/notes.txt"))).toEqual([join(root, "a1/notes.txt")]);
    expect(await goGlob(join(root, "a1/missing.txt"))).toEqual([]);
    await expect(goGlob(join(root, "a1/["))).rejects.toThrow(BadPatternError);
    rmSync(root, { recursive: true, force: true });
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { Pathspec } from "./pathspec.ts";
import { hasGit, TestRepo } from "./testing/git-cli.ts";
import { WM_PATHNAME, wildmatch } from "./wildmatch.ts";

const files = ["file", "xfile", "a/file", "a/b/file", "a/b/c.txt", "x/afile", "Docs/Read Me.md", "d[1]/q", "src/lib/x.test.ts", "src/x.ts", "a.b/c"];
const patterns = [
  "**/file",
  "*/file",
  "a**file",
  "a**/file",
  "**file",
  "a/**",
  "**",
  "a/**/file",
  "**/b/*",
  "*file",
  "a/*",
  "a*",
  "[ax]/*",
  "[!a]*",
  "?/file",
  "a/[[:alpha:]]/*",
  "*.ts",
  "src/*.ts",
  "src/**/*.ts",
  "d\\[1\\]/q",
  "a/b",
  "a/b/",
  "a",
  ".",
  "./a/../x",
  "*[[:space:]]*",
  "[[:upper:]]*",
  "a.b",
];

describe.skipIf(!hasGit)("pathspec matching against git ls-files", () => {
  const repo = TestRepo.init();
  for (const f of files) repo.commit({ file: f, content: f });
  afterAll(() => repo.remove());
  const lsFiles = (spec: string[]) => repo.git("ls-files", "-z", "--", ...spec).split("\0").filter((x) => x !== "").sort();

  for (const magic of ["", ":(glob)", ":(icase)"]) {
    it(`agrees for every pattern${magic ? " with " + magic : ""}`, () => {
      for (const p of patterns) {
        const spec = new Pathspec([magic + p]);
        expect(files.filter((f) => spec.matches(f)).sort(), magic + p).toEqual(lsFiles([magic + p]));
      }
    });
  }

  it("agrees with excludes and only-excludes", () => {
    for (const words of [["a", ":!a/b"], [":!*.ts"], [":^a/**", "src"], ["*", ":(exclude)*file"], ["src", ":(exclude,glob)src/*.ts"]]) {
      const spec = new Pathspec(words);
      expect(files.filter((f) => spec.matches(f)).sort(), words.join(" ")).toEqual(lsFiles(words));
    }
  });
});

describe.skipIf(!hasGit)("wildmatch without WM_PATHNAME against git tag --list", () => {
  const repo = TestRepo.init();
  repo.commit();
  const names = ["a/b", "ab", "v1.0", "v1.0-rc1", "x", "release/2024/01", "V2", "b(1)"];
  for (const n of names) repo.lightweightTag(n);
  afterAll(() => repo.remove());

  it("selects the same tags", () => {
    for (const p of ["*", "a*", "a/*", "**/b", "[!a]*", "v1.?", "[v]*", "v1.0*", "release/*/01", "*[0-9]", "[[:upper:]]*", "b(1)", "*/**", "b?1?"]) {
      const listed = repo.git("tag", "--list", p).split("\n").filter((x) => x !== "").sort();
      expect(names.filter((n) => wildmatch(p, n)).sort(), p).toEqual(listed);
    }
  });

  it("handles WM_PATHNAME's own rules", () => {
    expect(wildmatch("**/x", "x", WM_PATHNAME)).toBe(true);
    expect(wildmatch("a/**/x", "a/x", WM_PATHNAME)).toBe(true);
    expect(wildmatch("a/*", "a/b/c", WM_PATHNAME)).toBe(false);
    expect(wildmatch("a/**", "a/b/c", WM_PATHNAME)).toBe(true);
  });
});

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compilePosix, PosixRegexError } from "./posix-regex.ts";

const hasGrep = spawnSync("grep", ["--version"]).status === 0;

const lines = [
  "[ci skip] deploy",
  "[ci\tskip]",
  "[skip  ci]",
  "chore(release): publish",
  "fix: a bug",
  "a+b*c",
  "abc",
  "aaa",
  "x{2}",
  "word-boundary test",
  "v1.2.3",
  "v1.2.3-rc1",
  "test.tag.1",
  "end$",
  "^start",
  "tab\there",
  "back\\slash",
  "]bracket",
  "",
];

const basic = [
  "\\[ci\\sskip\\]",
  "chore(release):",
  "a+b",
  "a\\+",
  "^a*$",
  "a\\{3\\}",
  "x{2}",
  "\\(ab\\|fi\\)x\\?",
  "\\<boundary\\>",
  "\\bword",
  "[[:digit:]]\\.[0-9]",
  "[^a-z]",
  "[]]bracket",
  "end\\$",
  "end$",
  "^^start",
  "*",
  "\\(a\\)\\1",
  "back\\\\slash",
  "[\\]",
  "t.b",
  "\\w\\W\\w",
];

const extended = [
  "v[0-9]+\\.[0-9]+\\.[0-9]+",
  ".*-rc[0-9]*",
  "test.tag\\..*",
  "(fix|chore)(\\(.*\\))?:.*",
  "a{2,}",
  "x\\{2}",
  "[[:alpha:]]+",
  "^$",
  "a|",
  "[[:space:]]",
];

function grepOracle(pattern: string, flag: "-G" | "-E", whole: boolean): boolean[] {
  return lines.map((l) => spawnSync("grep", [flag, ...(whole ? ["-x"] : []), "-e", pattern], { input: l + "\n" }).status === 0);
}

describe.skipIf(!hasGrep)("POSIX regexes against GNU grep", () => {
  it("basic syntax, as git --grep compiles it", () => {
    for (const p of basic) {
      const re = compilePosix(p, false);
      expect(
        lines.map((l) => re.test(l)),
        p,
      ).toEqual(grepOracle(p, "-G", false));
    }
  });

  it("extended syntax, matched whole as grep -Ex", () => {
    for (const p of extended) {
      const re = new RegExp(`^(?:${compilePosix(p, true).source})$`);
      expect(
        lines.map((l) => re.test(l)),
        p,
      ).toEqual(grepOracle(p, "-E", true));
    }
  });
});

describe("invalid patterns", () => {
  it("are refused as glibc refuses them", () => {
    for (const p of ["a\\{1", "[abc", "\\(a", "a\\", "[[:nope:]]"]) {
      expect(() => compilePosix(p, false), p).toThrow(PosixRegexError);
    }
    expect(() => compilePosix("[z-a]", false)).toThrow(PosixRegexError);
    expect(() => compilePosix("(a", true)).toThrow(PosixRegexError);
  });
});

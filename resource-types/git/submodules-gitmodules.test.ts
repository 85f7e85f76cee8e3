/**
 * .gitmodules reading and relative URL resolution, each against the git CLI
 * as the oracle: `git config --file F --name-only --get-regexp` for the
 * sections upstream's loop picks, `git submodule init` for the URL git records.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitCli, gitCliService, gitEnv, removeTempDirs, tempDir } from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { spawnSync } from "node:child_process";
import { parseGitConfig, selectSubmoduleNames, submoduleTable } from "./submodules-gitmodules.ts";
import { resolveSubmoduleUrl, submoduleRemoteOptions } from "./submodules-url.ts";

const TRICKY = [
  "# a comment",
  '[submodule "vendor/lib"]',
  "\tpath = vendor/lib",
  "\turl = ../lib.git ; trailing comment",
  '[submodule "with \\"quotes\\" and.dots"]',
  '\tpath = "spaced  path"  # comment',
  "\turl = https://example.invalid/a\\",
  "b.git",
  "[Submodule \"Case\"]",
  "\tPATH = mylib",
  "\tbranch",
  "[submodule \"twice\"]",
  "\tpath = first",
  "\tpath = second",
  "[other \"x\"]",
  "\tpath = vendor/lib",
  "[submodule \"escapes\"]",
  '\tpath = tab\\there\\\\',
  "",
].join("\n");

/** `git config --file F --name-only --get-regexp '\.path$' REGEX` through the real git. */
function gitSelect(file: string, regex: string): string[] {
  const r = spawnSync("git", ["config", "--file", file, "--name-only", "--get-regexp", "\\.path$", regex], { env: gitEnv() });
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.replace(/^submodule\.(.+)\.path$/s, "$1"));
}

await describeWithService(gitCliService, ".gitmodules against git config", () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = tempDir("gitmodules");
    file = join(dir, "gitmodules");
    writeFileSync(file, TRICKY);
  });
  afterAll(removeTempDirs);
  const parsed = parseGitConfig(TRICKY);

  it("values read as git config --get reads them", () => {
    const get = (key: string) => gitCli(dir, ["config", "--file", file, "--get", key]).replace(/\n$/, "");
    expect(parsed.get("submodule", "vendor/lib", "url")).toBe(get("submodule.vendor/lib.url"));
    expect(parsed.get("submodule", 'with "quotes" and.dots', "path")).toBe(get('submodule.with "quotes" and.dots.path'));
    expect(parsed.get("submodule", 'with "quotes" and.dots', "url")).toBe(get('submodule.with "quotes" and.dots.url'));
    expect(parsed.get("submodule", "Case", "path")).toBe(get("submodule.Case.path"));
    expect(parsed.get("submodule", "twice", "path")).toBe(get("submodule.twice.path"));
    expect(parsed.get("submodule", "escapes", "path")).toBe(get("submodule.escapes.path"));
  });

  for (const regex of [".", "", "vendor/lib$", "lib$", "vendor/lib$|mylib$", "^first$", "!lib$", "second$|spaced  path$", "nomatch$"]) {
    it(`selects the sections git config does for ${JSON.stringify(regex)}`, () => {
      expect(selectSubmoduleNames(parsed, regex).names).toEqual(gitSelect(file, regex));
    });
  }

  it("an invalid pattern selects nothing and says so, as git config does", () => {
    const r = spawnSync("git", ["config", "--file", file, "--name-only", "--get-regexp", "\\.path$", "a("], { env: gitEnv() });
    const ours = selectSubmoduleNames(parsed, "a(");
    expect(ours.names).toEqual([]);
    expect(r.stdout.toString()).toBe("");
    expect(r.stderr.toString()).toContain(ours.stderr[0]);
  });

  it("reports a malformed file with git's words", () => {
    const bad = "[submodule \"x\"]\n\tpath = ok\n\turl = \"unterminated\n";
    writeFileSync(join(dir, "bad"), bad);
    const r = spawnSync("git", ["config", "--file", join(dir, "bad"), "--list"], { env: gitEnv() });
    expect(() => parseGitConfig(bad, join(dir, "bad"))).toThrow(r.stderr.toString().trim());
  });

  it("reads sections as git's submodule config does: first values, suspicious names and option-like URLs ignored", () => {
    const table = submoduleTable(
      parseGitConfig(
        [
          '[submodule "../../escape"]',
          "\tpath = escape",
          "\turl = ../x",
          '[submodule "opt"]',
          "\tpath = opt",
          "\turl = --upload-pack=touch /tmp/pwned",
          '[submodule "twice"]',
          "\tpath = first",
          "\tpath = second",
          "",
        ].join("\n"),
      ),
    );
    expect(table.byName.has("../../escape")).toBe(false);
    expect(table.byPath.get("escape")).toBeUndefined();
    expect(table.byName.get("opt")?.url).toBeUndefined();
    expect(table.byPath.get("first")?.name).toBe("twice");
    expect(table.warnings).toContain("warning: ignoring suspicious submodule name: ../../escape");
  });
});

const RELATIVE_CASES: Array<[remote: string, url: string]> = [
  ["http://h/a/b.git", "../c.git"],
  ["http://h/a/b.git/", "./c"],
  ["https://u:p@h:8443/a/b", "../c"],
  ["git@h:a/b", "../../c"],
  ["git@h:b", "../c"],
  ["h:x", "../../c"],
  ["/srv/x/", "./c/"],
  ["/srv/a/b.git", "../../c.git"],
  ["ssh://h:22/a", "../../b"],
  ["ssh://git@h:2222/srv/super.git", "../sub.git"],
  ["file:///srv/a.git", "../b.git"],
  ["http://h", "../c"],
  ["http://h/", "../../c"],
  ["foo", "../c"],
  ["./foo/bar", "../c"],
  ["../foo/bar", "../../c"],
];

await describeWithService(gitCliService, "relative submodule URLs against git submodule init", () => {
  let repo: string;
  beforeAll(() => {
    repo = join(tempDir("relurl"), "r");
    gitCli(join(repo, ".."), ["init", "-q", repo]);
    gitCli(repo, ["update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},sub`]);
  });
  afterAll(removeTempDirs);

  for (const [remote, url] of RELATIVE_CASES) {
    it(`${url} against ${remote}`, () => {
      writeFileSync(join(repo, ".gitmodules"), `[submodule "s"]\n\tpath = sub\n\turl = ${url}\n`);
      gitCli(repo, ["config", "remote.origin.url", remote]);
      spawnSync("git", ["config", "--unset", "submodule.s.url"], { cwd: repo, env: gitEnv() });
      gitCli(repo, ["submodule", "init", "-q"]);
      expect(resolveSubmoduleUrl(remote, url)).toBe(gitCli(repo, ["config", "submodule.s.url"]).trim());
    });
  }

  it("refuses to climb above a relative remote, as git does", () => {
    expect(() => resolveSubmoduleUrl("foo", "../../c")).toThrow("fatal: cannot strip one component off url");
  });
});

describe("submodule credentials", () => {
  const base = { username: "u", password: "p", private_key: "MAIN", private_key_passphrase: "pp" };
  const source = {
    uri: "https://a.example/super.git",
    submodule_credentials: [
      { host: "b.example", username: "bu", password: "bp" },
      { url: "git@c.example:lib.git", private_key: "SUBKEY" },
    ],
  };

  it("an HTTP submodule on a listed host uses that host's login, others the source's", () => {
    expect(submoduleRemoteOptions(base, source, "https://b.example/x.git", "https://b.example/x.git")).toMatchObject({ username: "bu", password: "bp" });
    expect(submoduleRemoteOptions(base, source, "../y.git", "https://a.example/y.git")).toMatchObject({ username: "u", password: "p" });
  });

  it("an SSH submodule whose .gitmodules URL is listed uses that key, without the source's passphrase", () => {
    const o = submoduleRemoteOptions(base, source, "git@c.example:lib.git", "git@c.example:lib.git");
    expect(o.private_key).toBe("SUBKEY");
    expect(o.private_key_passphrase).toBeUndefined();
    expect(submoduleRemoteOptions(base, source, "git@d.example:lib.git", "git@d.example:lib.git").private_key).toBe("MAIN");
  });
});

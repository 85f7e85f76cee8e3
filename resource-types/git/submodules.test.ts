/**
 * `in` with submodules against real servers (git http-backend, sshd, local
 * paths and file://), with the git CLI as the oracle: what we leave must be
 * what `git clone` + `git submodule update --init` leaves, as git itself sees
 * it (`git submodule status` without - or +, `git status` clean, the same
 * .git files, core.worktree and registered URLs).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runOperation } from "../../src/protocol/entry.ts";
import {
  gitCli,
  gitCliService,
  gitEnv,
  removeTempDirs,
  sshdService,
  startGitHttpServer,
  startSshServer,
  tempDir,
  type GitHttpServer,
  type SshServer,
} from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { gitType } from "./index.ts";

interface Built {
  root: string;
  /** lib's commits: the superproject's gitlink is libRev.at, the tip is libRev.tip */
  libAt: string;
  libTip: string;
  /** a commit only the lib's dev branch has */
  libDev: string;
  nestedAt: string;
  otherAt: string;
}

const WHEN = 1_704_067_200; // 2024-01-01, so every sha is the same on every run

function commit(dir: string, message: string, step: number): void {
  const date = `@${WHEN + step * 60} +0000`;
  gitCli(dir, ["commit", "-q", "-m", message], {
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_AUTHOR_NAME: "Jetway Test",
    GIT_AUTHOR_EMAIL: "test@jetway.invalid",
    GIT_COMMITTER_NAME: "Jetway Test",
    GIT_COMMITTER_EMAIL: "test@jetway.invalid",
  });
}

function write(dir: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
    gitCli(dir, ["add", "--", p]);
  }
}

function gitlink(dir: string, path: string, oid: string): void {
  gitCli(dir, ["update-index", "--add", "--cacheinfo", `160000,${oid},${path}`]);
}

/**
 * Four bare repositories side by side: super -> vendor/lib (../lib.git, one
 * commit behind lib's tip) -> deep (../nested.git), and super -> tools/other
 * (./../other.git). super's .gitmodules also lists a section with no gitlink.
 */
function buildRepos(root: string): Built {
  mkdirSync(root, { recursive: true });
  const work = tempDir("submodule-src");
  const init = (name: string) => {
    const d = join(work, name);
    gitCli(work, ["init", "-q", "-b", "main", d]);
    return d;
  };
  const publish = (d: string, name: string) => gitCli(work, ["clone", "-q", "--bare", "--no-local", d, join(root, `${name}.git`)]);

  const nested = init("nested");
  write(nested, { "n.txt": "nested\n" });
  commit(nested, "nested 1", 1);
  publish(nested, "nested");
  const nestedAt = gitCli(nested, ["rev-parse", "HEAD"]).trim();

  const other = init("other");
  write(other, { "tool.sh": "echo tool\n" });
  commit(other, "other 1", 2);
  publish(other, "other");
  const otherAt = gitCli(other, ["rev-parse", "HEAD"]).trim();

  const lib = init("lib");
  write(lib, { "lib.txt": "v1\n" });
  commit(lib, "lib 1", 3);
  write(lib, { ".gitmodules": '[submodule "deep"]\n\tpath = deep\n\turl = ../nested.git\n', "lib.txt": "v2\n" });
  gitlink(lib, "deep", nestedAt);
  commit(lib, "lib 2 with deep", 4);
  const libAt = gitCli(lib, ["rev-parse", "HEAD"]).trim();
  write(lib, { "lib.txt": "v3\n" });
  commit(lib, "lib 3", 5);
  const libTip = gitCli(lib, ["rev-parse", "HEAD"]).trim();
  gitCli(lib, ["checkout", "-q", "-b", "dev", libAt]);
  write(lib, { "lib.txt": "dev\n" });
  commit(lib, "lib on dev", 9);
  const libDev = gitCli(lib, ["rev-parse", "HEAD"]).trim();
  gitCli(lib, ["checkout", "-q", "main"]);
  publish(lib, "lib");

  const sup = init("super");
  write(sup, {
    "README.md": "super\n",
    ".gitmodules": [
      '[submodule "vendor/lib"]',
      "\tpath = vendor/lib",
      "\turl = ../lib.git",
      '[submodule "other"]',
      "\tpath = tools/other",
      "\turl = ./../other.git",
      '[submodule "ghost"]',
      "\tpath = missing/ghost",
      "\turl = ../ghost.git",
      "",
    ].join("\n"),
  });
  gitlink(sup, "vendor/lib", libAt);
  gitlink(sup, "tools/other", otherAt);
  commit(sup, "super 1", 6);
  publish(sup, "super");
  return { root, libAt, libTip, libDev, nestedAt, otherAt };
}

interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function getInto(dest: string, source: Record<string, unknown>, params: Record<string, unknown> = {}): Promise<RunResult> {
  mkdirSync(dest, { recursive: true });
  let stdout = "";
  let stderr = "";
  const result = await runOperation(gitType, "in", [dest], {
    stdin: JSON.stringify({ source, params }),
    env: { TMPDIR: dirname(dest) },
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
  });
  return { exitCode: result.exitCode, stdout, stderr };
}

/** The git CLI doing what upstream's script does, for comparison. */
function oracleGet(dest: string, uri: string, pathspecs: string[], flags: string[], env: Record<string, string> = {}): void {
  const e = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "protocol.file.allow", GIT_CONFIG_VALUE_0: "always", ...env };
  gitCli(dirname(dest), ["clone", "-q", uri, dest], e);
  for (const p of pathspecs) gitCli(dest, ["submodule", "update", "--init", "--no-fetch", ...flags, "--", p], e);
}

const git = (dir: string, ...args: string[]) => gitCli(dir, args);

function statusLines(dir: string): string {
  return git(dir, "submodule", "status", "--recursive");
}

/**
 * What git itself says of a get: the submodules we got at their gitlinks,
 * the others not initialised, nothing modified or untracked.
 */
function expectCleanForGit(dest: string, got: readonly string[]): void {
  for (const line of statusLines(dest).split("\n").filter((l) => l !== "")) {
    const path = line.slice(42).split(" (")[0]!;
    expect(line, path).toMatch(got.includes(path) ? /^ [0-9a-f]{40} / : /^-[0-9a-f]{40} /);
  }
  expect(git(dest, "status", "--porcelain", "--ignore-submodules=none", "--untracked-files=all")).toBe("");
}

/** what a pipeline sets for local submodules, as with upstream's git */
const ALLOW_FILE = [{ name: "protocol.file.allow", value: "always" }];
const ALL = ["tools/other", "vendor/lib", "vendor/lib/deep"];
const LIB = ["vendor/lib", "vendor/lib/deep"];

/** `git config --get-regexp`, which exits 1 when nothing matches */
function configMatching(dir: string, regex: string): string {
  return spawnSync("git", ["config", "--get-regexp", regex], { cwd: dir, env: gitEnv() }).stdout.toString();
}

/** The layout git's own submodule update leaves, compared entry by entry. */
function expectSameLayout(ours: string, oracle: string, paths: string[], names: string[]): void {
  const cfg = (d: string, key: string) => spawnSync("git", ["config", "--get", key], { cwd: d, env: gitEnv() }).stdout.toString();
  for (const p of paths) {
    expect(readFileSync(join(ours, p, ".git"), "utf8"), p).toBe(readFileSync(join(oracle, p, ".git"), "utf8"));
    expect(cfg(join(ours, p), "core.worktree"), p).toBe(cfg(join(oracle, p), "core.worktree"));
    expect(git(join(ours, p), "rev-parse", "HEAD")).toBe(git(join(oracle, p), "rev-parse", "HEAD"));
    expect(git(join(ours, p), "ls-files", "-s")).toBe(git(join(oracle, p), "ls-files", "-s"));
  }
  for (const n of names) {
    expect(cfg(ours, `submodule.${n}.url`), n).toBe(cfg(oracle, `submodule.${n}.url`));
    expect(cfg(ours, `submodule.${n}.active`), n).toBe(cfg(oracle, `submodule.${n}.active`));
  }
  expect(statusLines(ours)).toBe(statusLines(oracle));
}

await describeWithService(gitCliService, "in with submodules over http", () => {
  let built: Built;
  let server: GitHttpServer;
  let uri: string;
  let work: string;
  beforeAll(async () => {
    work = tempDir("submodules-http");
    built = buildRepos(join(work, "repos"));
    server = await startGitHttpServer({ root: built.root });
    uri = `${server.url}/super.git`;
  });
  afterAll(async () => {
    await server?.close();
    removeTempDirs();
  });

  it("gets every submodule, recursively, as git submodule update --init --recursive leaves them", async () => {
    const dest = join(work, "all");
    const r = await getInto(dest, { uri });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).version.ref).toBe(git(join(built.root, "super.git"), "rev-parse", "HEAD").trim());
    expect(readFileSync(join(dest, "vendor/lib/lib.txt"), "utf8")).toBe("v2\n");
    expect(readFileSync(join(dest, "vendor/lib/deep/n.txt"), "utf8")).toBe("nested\n");
    expect(readFileSync(join(dest, "tools/other/tool.sh"), "utf8")).toBe("echo tool\n");
    expect(r.stderr).toContain(`Submodule 'vendor/lib' (${server.url}/lib.git) registered for path 'vendor/lib'`);
    expect(r.stderr).toContain(`Submodule path 'vendor/lib/deep': checked out '${built.nestedAt}'`);
    expect(r.stderr).toContain("\x1b[31mwarning: skipping missing submodule: missing/ghost\x1b[0m");
    expectCleanForGit(dest, ALL);

    const oracle = join(work, "all-oracle");
    oracleGet(oracle, uri, ["vendor/lib", "tools/other"], ["--recursive"]);
    expectSameLayout(dest, oracle, ["vendor/lib", "vendor/lib/deep", "tools/other"], ["vendor/lib", "other"]);
    expect(git(join(dest, "vendor/lib"), "config", "submodule.deep.url")).toBe(`${server.url}/nested.git\n`);
  });

  it("submodule_recursive: \"false\" leaves nested submodules uninitialised", async () => {
    const dest = join(work, "flat");
    const r = await getInto(dest, { uri }, { submodule_recursive: "false" });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(join(dest, "vendor/lib/deep"))).toEqual([]);
    const oracle = join(work, "flat-oracle");
    oracleGet(oracle, uri, ["vendor/lib", "tools/other"], []);
    expect(statusLines(dest)).toBe(statusLines(oracle));
    expect(statusLines(dest)).toMatch(/^-[0-9a-f]{40} vendor\/lib\/deep$/m);
    expect(git(dest, "status", "--porcelain", "--ignore-submodules=none")).toBe("");
  });

  it("submodule_recursive: false (a boolean) still recurses: upstream reads it with jq's `// true`", async () => {
    const dest = join(work, "flat-boolean");
    const r = await getInto(dest, { uri }, { submodule_recursive: false, submodules: ["vendor/lib"] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dest, "vendor/lib/deep/n.txt"), "utf8")).toBe("nested\n");
  });

  it("a list of paths gets only those (each an extended regex anchored at its end, as upstream builds it)", async () => {
    const dest = join(work, "listed");
    const r = await getInto(dest, { uri }, { submodules: ["other"] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dest, "tools/other/tool.sh"))).toBe(true);
    expect(readdirSync(join(dest, "vendor/lib"))).toEqual([]);
    expect(statusLines(dest)).toBe(` ${built.otherAt} tools/other (heads/main)\n-${built.libAt} vendor/lib\n`);
    expect(r.stderr).not.toContain("skipping missing submodule");
  });

  it("submodules: none gets none", async () => {
    const dest = join(work, "none");
    const r = await getInto(dest, { uri }, { submodules: "none" });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dest, ".git/modules"))).toBe(false);
    expect(configMatching(dest, "^submodule\\.")).toBe("");
  });

  it("depth makes shallow submodule clones, deepened until the gitlink's commit is found", async () => {
    const dest = join(work, "shallow");
    const r = await getInto(dest, { uri }, { depth: 1 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Could not find ref ${built.libAt} in a shallow clone of depth 1, deepening by 1...`);
    expect(r.stderr).toContain(`Submodule path 'vendor/lib': '/opt/resource/deepen_shallow_clone_until_ref_is_found_then_check_out 1 ${built.libAt}'`);
    expect(existsSync(join(dest, ".git/modules/vendor/lib/shallow"))).toBe(true);
    expect(git(join(dest, "vendor/lib"), "rev-list", "--count", "HEAD").trim()).toBe("1");
    expect(configMatching(dest, "^submodule\\..*\\.update$")).toBe("");
    expectCleanForGit(dest, ALL);
  });

  it("submodule_remote checks out the tip of the submodule's remote branch, as git's --remote does", async () => {
    const dest = join(work, "remote");
    const r = await getInto(dest, { uri }, { submodule_remote: true, submodules: ["vendor/lib"] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dest, "vendor/lib/lib.txt"), "utf8")).toBe("v3\n");
    const oracle = join(work, "remote-oracle");
    oracleGet(oracle, uri, ["vendor/lib"], ["--remote", "--recursive"]);
    expect(statusLines(dest)).toBe(statusLines(oracle));
    expect(statusLines(dest)).toMatch(new RegExp(`^\\+${built.libTip} vendor/lib `, "m"));
  });

  /** A branch of super whose vendor/lib gitlink (and .gitmodules) differ, pushed to the served super.git. */
  function superBranch(name: string, link: string, gitmodules?: string): void {
    const d = join(work, `src-${name}`);
    gitCli(work, ["clone", "-q", join(built.root, "super.git"), d]);
    gitlink(d, "vendor/lib", link);
    if (gitmodules !== undefined) write(d, { ".gitmodules": gitmodules });
    commit(d, `super on ${name}`, 10);
    gitCli(d, ["push", "-q", join(built.root, "super.git"), `HEAD:refs/heads/${name}`]);
  }

  it("a gitlink commit on a branch other than the submodule's default is found there, as git's full clone finds it", async () => {
    superBranch("ondev", built.libDev);
    const dest = join(work, "ondev");
    const r = await getInto(dest, { uri, branch: "ondev" }, { submodules: ["vendor/lib"] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dest, "vendor/lib/lib.txt"), "utf8")).toBe("dev\n");
    expectCleanForGit(dest, LIB);
    // remote-tracking refs only: git's clone makes no local branch but the default one
    expect(git(join(dest, "vendor/lib"), "branch", "--format=%(refname)", "--all").split("\n").filter((l) => l.includes("dev"))).toEqual(["refs/remotes/origin/dev"]);
  });

  it("a path two sections name is cloned once, and the later section is the one git registers", async () => {
    superBranch(
      "twice",
      built.libAt,
      '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = ../lib.git\n[submodule "again"]\n\tpath = vendor/lib\n\turl = ../lib.git\n[submodule "other"]\n\tpath = tools/other\n\turl = ./../other.git\n',
    );
    const dest = join(work, "twice");
    const r = await getInto(dest, { uri, branch: "twice" }, { submodules: ["vendor/lib"] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr.match(/Cloning into/g)).toHaveLength(2); // vendor/lib and its deep
    expectCleanForGit(dest, LIB);
    const oracle = join(work, "twice-oracle");
    oracleGet(oracle, uri, [], []);
    gitCli(oracle, ["checkout", "-q", "twice"]);
    for (let i = 0; i < 2; i++) gitCli(oracle, ["submodule", "update", "--init", "--no-fetch", "--recursive", "--", "vendor/lib"]);
    expect(configMatching(dest, "^submodule\\.")).toBe(configMatching(oracle, "^submodule\\."));
    expect(readFileSync(join(dest, "vendor/lib/.git"), "utf8")).toBe(readFileSync(join(oracle, "vendor/lib/.git"), "utf8"));
  });

  it("submodule_remote follows the branch .gitmodules names for the submodule", async () => {
    superBranch(
      "trackdev",
      built.libAt,
      '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = ../lib.git\n\tbranch = dev\n[submodule "other"]\n\tpath = tools/other\n\turl = ./../other.git\n',
    );
    const dest = join(work, "trackdev");
    const r = await getInto(dest, { uri, branch: "trackdev" }, { submodules: ["vendor/lib"], submodule_remote: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(git(join(dest, "vendor/lib"), "rev-parse", "HEAD").trim()).toBe(built.libDev);
    const oracle = join(work, "trackdev-oracle");
    oracleGet(oracle, `${uri}`, [], []);
    gitCli(oracle, ["checkout", "-q", "trackdev"]);
    gitCli(oracle, ["submodule", "update", "--init", "--no-fetch", "--remote", "--recursive", "--", "vendor/lib"]);
    expect(statusLines(dest)).toBe(statusLines(oracle));
  });

  it("a gitlink commit the submodule does not have fails as git does and leaves the destination empty", async () => {
    const broken = join(work, "broken");
    gitCli(work, ["clone", "-q", join(built.root, "super.git"), broken]);
    gitlink(broken, "tools/other", "0123456789abcdef0123456789abcdef01234567");
    commit(broken, "point at nothing", 7);
    gitCli(broken, ["push", "-q", join(built.root, "super.git"), "HEAD:refs/heads/broken"]);
    const dest = join(work, "broken-dest");
    const r = await getInto(dest, { uri, branch: "broken" });
    expect(r.exitCode).toBe(128);
    expect(r.stderr).toMatch(
      /\nfatal: reference is not a tree: 0123456789abcdef0123456789abcdef01234567\nfatal: Unable to checkout '0123456789abcdef0123456789abcdef01234567' in submodule path 'tools\/other'\n$/,
    );
    expect(r.stdout).toBe("");
    expect(readdirSync(dest)).toEqual([]);
  });

  it("a submodule whose repository cannot be fetched fails in one line, naming it without credentials", async () => {
    const bad = join(work, "badurl");
    gitCli(work, ["clone", "-q", join(built.root, "super.git"), bad]);
    write(bad, { ".gitmodules": '[submodule "other"]\n\tpath = tools/other\n\turl = http://127.0.0.1:1/other.git\n' });
    gitCli(bad, ["rm", "-q", "--cached", "vendor/lib"]);
    commit(bad, "unreachable submodule", 8);
    gitCli(bad, ["push", "-q", join(built.root, "super.git"), "HEAD:refs/heads/badurl"]);
    const dest = join(work, "badurl-dest");
    const r = await getInto(dest, { uri: uri.replace("http://", "http://me:s3cret@"), branch: "badurl" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/\nfatal: clone of 'http:\/\/127\.0\.0\.1:1\/other\.git' into submodule path '.*\/tools\/other' failed: cannot reach 127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/);
    expect(r.stderr).not.toContain("s3cret");
    expect(readdirSync(dest)).toEqual([]);
  });

  it("relative URLs under a superproject URL with credentials fetch with them but never write them", async () => {
    const authed = await startGitHttpServer({ root: built.root, auth: { username: "me", password: "s3cret" } });
    try {
      const dest = join(work, "authed");
      const r = await getInto(dest, { uri: `${authed.url.replace("http://", "http://me:s3cret@")}/super.git` }, { submodules: ["vendor/lib"] });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(join(dest, "vendor/lib/deep/n.txt"), "utf8")).toBe("nested\n");
      expect(r.stderr).not.toContain("s3cret");
      const configs = [".git/config", ".git/modules/vendor/lib/config", ".git/modules/vendor/lib/modules/deep/config"];
      for (const c of configs) expect(readFileSync(join(dest, c), "utf8")).not.toContain("s3cret");
      expect(git(dest, "config", "submodule.vendor/lib.url")).toBe(`${authed.url}/lib.git\n`);
    } finally {
      await authed.close();
    }
  });
});

await describeWithService(gitCliService, "in with submodules from local paths and file://", () => {
  let built: Built;
  let work: string;
  beforeAll(() => {
    work = tempDir("submodules-local");
    built = buildRepos(join(work, "repos"));
  });
  afterAll(removeTempDirs);

  for (const [kind, uriOf] of [
    ["a local path", (p: string) => p],
    ["a file:// URI", (p: string) => `file://${p}`],
  ] as const) {
    it(`resolves relative submodule URLs against ${kind} and leaves git's layout`, async () => {
      const uri = uriOf(join(built.root, "super.git"));
      const dest = join(work, kind.replace(/\W+/g, "-"));
      const r = await getInto(dest, { uri, git_config: ALLOW_FILE }, { submodules: ["vendor/lib"] });
      expect(r.exitCode, r.stderr).toBe(0);
      expectCleanForGit(dest, LIB);
      const oracle = `${dest}-oracle`;
      oracleGet(oracle, uri, ["vendor/lib"], ["--recursive"]);
      expectSameLayout(dest, oracle, ["vendor/lib", "vendor/lib/deep"], ["vendor/lib"]);
    });
  }

  it("refuses local submodules unless protocol.file.allow is always, as git has since 2.38.1", async () => {
    const dest = join(work, "local-refused");
    const r = await getInto(dest, { uri: join(built.root, "super.git") }, { submodules: ["vendor/lib"] });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/\nfatal: clone of '.*\/lib\.git' into submodule path '.*\/vendor\/lib' failed: transport 'file' not allowed .*\n$/);
    expect(readdirSync(dest)).toEqual([]);
    // git itself, with no protocol.file.allow, refuses the same submodule
    const oracle = spawnSync("git", ["-C", dest, "clone", "-q", join(built.root, "super.git"), "o"], { env: gitEnv() });
    expect(oracle.status).toBe(0);
    const refused = spawnSync("git", ["submodule", "update", "--init", "--", "vendor/lib"], { cwd: join(dest, "o"), env: gitEnv() });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.toString()).toContain("transport 'file' not allowed");
  });

  it("depth over a local path is ignored, as git ignores it for local clones", async () => {
    const dest = join(work, "local-depth");
    const r = await getInto(dest, { uri: join(built.root, "super.git"), git_config: ALLOW_FILE }, { depth: 1, submodules: ["vendor/lib"] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: --depth is ignored in local clones; use file:// instead.");
    expect(existsSync(join(dest, ".git/modules/vendor/lib/shallow"))).toBe(false);
    expectCleanForGit(dest, LIB);
  });
});

await describeWithService(sshdService, "in with submodules over ssh", () => {
  let ssh: SshServer;
  let built: Built;
  let work: string;
  beforeAll(async () => {
    ssh = await startSshServer();
    work = tempDir("submodules-ssh");
    built = buildRepos(join(ssh.root, "repos"));
    ssh.adopt(built.root);
  });
  afterAll(async () => {
    await ssh?.close();
    removeTempDirs();
  });

  it("fetches relative submodules over the same ssh server with the source's key", async () => {
    const uri = `ssh://${ssh.user}@${ssh.host}:${ssh.port}${built.root}/super.git`;
    const dest = join(work, "ssh");
    const r = await getInto(dest, { uri, private_key: ssh.keys.plain });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dest, "vendor/lib/deep/n.txt"), "utf8")).toBe("nested\n");
    expect(git(dest, "config", "submodule.other.url")).toBe(`ssh://${ssh.user}@${ssh.host}:${ssh.port}${built.root}/other.git\n`);
    expectCleanForGit(dest, ALL);
    // vendor/lib sits one commit behind its branch, so git describes it by its short sha
    expect(statusLines(dest)).toBe(
      [` ${built.otherAt} tools/other (heads/main)`, ` ${built.libAt} vendor/lib (${built.libAt.slice(0, 7)})`, ` ${built.nestedAt} vendor/lib/deep (heads/main)`, ""].join("\n"),
    );
  });

  it("a submodule_credentials key for a submodule's URL is used for that submodule alone", async () => {
    const uri = `ssh://${ssh.user}@${ssh.host}:${ssh.port}${built.root}/super.git`;
    const dest = join(work, "ssh-wrong-sub-key");
    const r = await getInto(
      dest,
      { uri, private_key: ssh.keys.plain, submodule_credentials: [{ url: "./../other.git", private_key: ssh.keys.wrong }] },
      { submodules: ["other"] },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/\nfatal: clone of '.*other\.git' into submodule path '.*tools\/other' failed: .*authentication failed.*\n$/);
    expect(r.stderr).not.toContain("PRIVATE KEY");
    expect(readdirSync(dest)).toEqual([]);
  });
});

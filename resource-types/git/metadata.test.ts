import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JetwayError } from "../../src/protocol/errors.ts";
import { commitUrl } from "./commit-url.ts";
import { describe as gitDescribe } from "./describe.ts";
import { formatDate, relativeDate } from "./git-date.ts";
import { inFiles, metadataJson } from "./in-files.ts";
import { encodeResponse } from "./encode.ts";
import { gitMetadata, onelineSummary, type GitMetadataField } from "./metadata.ts";
import { parseIdent } from "./objects.ts";
import { GitRepo } from "./repo.ts";
import { shortRef } from "./short-ref.ts";
import { hasGit, TestRepo } from "./testing/git-cli.ts";

const made: TestRepo[] = [];
afterAll(() => made.forEach((r) => r.remove()));
const hasJq = spawnSync("jq", ["--version"]).status === 0;

function repo(branch = "master"): TestRepo {
  const r = TestRepo.init(branch);
  made.push(r);
  return r;
}

/** A non-bare clone, as `in` leaves it, with origin set to `url` when given. */
function cloneOf(r: TestRepo, url?: string, args: string[] = []): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), "jetway-git-dest-"));
  rmSync(dir, { recursive: true });
  const res = spawnSync("git", ["clone", "-q", ...args, r.dir, dir], { env: r.env(), encoding: "utf8" });
  if (res.status !== 0) throw new Error(res.stderr);
  const c = new TestRepo(dir);
  made.push(c);
  if (url) c.git("remote", "set-url", "origin", url);
  return c;
}

/** The metadata list as upstream's git_metadata computes it with the git CLI. */
function oracleMetadata(c: TestRepo): GitMetadataField[] {
  const log = (fmt: string) => c.git("log", "-1", `--format=format:${fmt}`);
  const head = c.git("rev-parse", "HEAD").trim();
  const out: GitMetadataField[] = [
    { name: "commit", value: head },
    { name: "author", value: log("%an") },
    { name: "author_date", value: log("%ai"), type: "time" },
  ];
  if (log("%an") === log("%cn") && log("%ai") === log("%ci")) {
    out.push({ name: "committer", value: log("%cn") }, { name: "committer_date", value: log("%ci"), type: "time" });
  }
  const branches = c
    .git("show-ref", "--heads")
    .split("\n")
    .filter((l) => l.startsWith(head + " refs/heads/"))
    .map((l) => l.slice(head.length + " refs/heads/".length));
  if (branches.length > 0) out.push({ name: "branch", value: branches.join(",") });
  const tags = c.git("tag", "--points-at", "HEAD").split("\n").filter((t) => t !== "");
  if (tags.length > 0) out.push({ name: "tags", value: tags.join(",") });
  const message = Buffer.from(log("%B"), "utf8").subarray(0, 10240).toString("utf8");
  out.push({ name: "message", value: message, type: "message" });
  return out;
}

describe.skipIf(!hasGit)("git_metadata", () => {
  it("lists commit, author, dates in the commits' own zones, branch, tags and message", async () => {
    const r = repo();
    r.commit({ date: "@1614814567 +0530", authorDate: "@1614814567 +0530", message: "subject\n\nbody" });
    r.lightweightTag("v1.1-pre");
    r.annotatedTag("v1.1-final");
    const c = cloneOf(r);
    const ours = await gitMetadata(new GitRepo(c.gitdir), c.head());
    expect(ours).toEqual(oracleMetadata(c));
    expect(ours.map((m) => m.name)).toEqual(["commit", "author", "author_date", "committer", "committer_date", "branch", "tags", "message"]);
    expect(ours.find((m) => m.name === "author_date")?.value).toBe("2021-03-04 05:06:07 +0530");
    expect(ours.find((m) => m.name === "tags")?.value).toBe("v1.1-final,v1.1-pre");
  });

  it("leaves the committer out when it differs from the author (upstream's inverted test)", async () => {
    const r = repo();
    r.commit({ authorDate: "@1614814567 -0800", date: "@1614900000 +0000" });
    const c = cloneOf(r);
    const ours = await gitMetadata(new GitRepo(c.gitdir), c.head());
    expect(ours).toEqual(oracleMetadata(c));
    expect(ours.map((m) => m.name)).not.toContain("committer");
    r.commit({ committer: { name: "Someone Else", email: "else@example.com" } });
    const c2 = cloneOf(r);
    expect(await gitMetadata(new GitRepo(c2.gitdir), c2.head())).toEqual(oracleMetadata(c2));
  });

  it("omits branch when no local head points at the commit, and tags when none do", async () => {
    const r = repo();
    const first = r.commit();
    r.commit();
    const c = cloneOf(r);
    c.git("checkout", "-q", first);
    const ours = await gitMetadata(new GitRepo(c.gitdir), first);
    expect(ours).toEqual(oracleMetadata(c));
    expect(ours.map((m) => m.name)).toEqual(["commit", "author", "author_date", "committer", "committer_date", "message"]);
  });

  it("cuts the message at 10240 bytes, even inside a character", async () => {
    const r = repo();
    r.commit({ message: "x".repeat(10239) + "é and more" });
    const c = cloneOf(r);
    const ours = await gitMetadata(new GitRepo(c.gitdir), c.head());
    expect(ours).toEqual(oracleMetadata(c));
    expect(ours.at(-1)!.value.endsWith("x\ufffd")).toBe(true);
  });

  it("adds a url for known hosts", async () => {
    const r = repo();
    r.commit();
    const c = cloneOf(r, "git@github.com:myorg/myrepo.git");
    const ours = await gitMetadata(new GitRepo(c.gitdir), c.head(), "git@github.com:myorg/myrepo.git");
    expect(ours.at(-1)).toEqual({ name: "url", value: `https://github.com/myorg/myrepo/commit/${c.head()}` });
  });
});

describe("responses", () => {
  it.skipIf(!hasJq)("print as jq pretty-prints them", () => {
    const jq = (input: unknown) => spawnSync("jq", ["."], { input: JSON.stringify(input), encoding: "utf8" }).stdout;
    expect(encodeResponse([])).toBe("[]\n");
    expect(encodeResponse([{ ref: "abc" }, { ref: "def" }])).toBe(jq([{ ref: "abc" }, { ref: "def" }]));
    expect(encodeResponse([{ commit: "c1", ref: "v1" }])).toBe(jq([{ ref: "v1", commit: "c1" }]));
    const metadata: GitMetadataField[] = [
      { name: "commit", value: "abc" },
      { name: "author_date", value: "2021-03-04 05:06:07 +0530", type: "time" },
    ];
    expect(encodeResponse({ version: { ref: "abc" }, metadata })).toBe(jq({ version: { ref: "abc" }, metadata }));
    expect(encodeResponse({ version: { ref: "abc", branch: "b" }, metadata: [] })).toBe(jq({ version: { branch: "b", ref: "abc" }, metadata: [] }));
  });

  it.skipIf(!hasGit)("in's oneline summary matches git log -1 --oneline", async () => {
    const r = repo();
    r.commit({ message: "  \n\nfirst line  \nsecond line\n\nbody" });
    expect(await onelineSummary(new GitRepo(r.gitdir), r.head())).toBe(r.git("log", "-1", "--oneline", "--no-decorate").trim());
  });
});

describe("commit url rules", () => {
  const sha = "abc123";
  const table: [string | undefined, string | undefined][] = [
    [undefined, undefined],
    ["git@whoknows.com:some/path/repo.git", undefined],
    ["git@github.com:myorg/myrepo.git", "https://github.com/myorg/myrepo/commit/abc123"],
    ["ssh://git@github.com/myorg/myrepo.git", "https://github.com/myorg/myrepo/commit/abc123"],
    ["ssh://git@github.com:443/myorg/myrepo.git", "https://github.com:443/myorg/myrepo/commit/abc123"],
    ["https://github.com/myorg/myrepo.git", "https://github.com/myorg/myrepo/commit/abc123"],
    ["https://github.company.com/myorg/myrepo.git", "https://github.company.com/myorg/myrepo/commit/abc123"],
    ["https://gitlab.com/myorg/mygroup/myrepo.git", "https://gitlab.com/myorg/mygroup/myrepo/-/commit/abc123"],
    ["ssh://git@bitbucket.com/myteam/myrepo.git", "https://bitbucket.com/myteam/myrepo/commits/abc123"],
    ["http://try.gogs.io/a/b", "https://try.gogs.io/a/b/commit/abc123"],
    ["ssh://user@github.com/a/b.git", undefined],
    ["/srv/git/github/repo.git", undefined],
  ];
  it.each(table)("%s", (remote, url) => expect(commitUrl(remote, sha)).toBe(url));
});

describe.skipIf(!hasGit)(".git files", () => {
  it("hold upstream's exact bytes", async () => {
    const r = repo();
    r.commit({ date: "@1614814567 +0530", message: "the subject\n\nthe body\n" });
    r.annotatedTag("v1.0");
    const c = cloneOf(r, "https://github.com/o/r.git");
    const head = c.head();
    const grepo = new GitRepo(c.gitdir);
    const metadata = await gitMetadata(grepo, head, "https://github.com/o/r.git");
    const { files } = await inFiles(grepo, head, metadata, {
      returnRef: head,
      shortRefFormat: "%s",
      timestampFormat: "iso8601",
      describeRefOptions: "--always --dirty --broken",
      now: 1700000000,
    });
    const log = (fmt: string) => c.git("log", "-1", `--format=format:${fmt}`);
    expect(Object.fromEntries(files)).toEqual({
      committer: log("%ae"),
      committer_name: log("%an"),
      ref: head + "\n",
      "metadata.json": expect.any(String),
      short_ref: head.slice(0, 7),
      commit: head + "\n",
      author: "Test Author\n",
      author_date: "2021-03-04 05:06:07 +0530\n",
      branch: "master\n",
      tags: "v1.0\n",
      url: `https://github.com/o/r/commit/${head}\n`,
      committer_date: "2021-03-04 05:06:07 +0530\n",
      commit_message: log("%B"),
      commit_timestamp: c.git("log", "-1", "--format=%cd", "--date=iso8601"),
      describe_ref: c.git("describe", "--always", "--dirty", "--broken"),
    });
    expect([...files.keys()]).toEqual([
      "committer",
      "committer_name",
      "ref",
      "metadata.json",
      "short_ref",
      "commit",
      "author",
      "author_date",
      "branch",
      "tags",
      "url",
      "committer_date",
      "commit_message",
      "commit_timestamp",
      "describe_ref",
    ]);
    expect(files.get("commit_message")).toBe("the subject\n\nthe body\n");
  });

  it("are empty (0 bytes) for absent branch, tags, url and committer_date", async () => {
    const r = repo();
    const first = r.commit({ committer: { name: "Other", email: "o@example.com" } });
    r.commit();
    const c = cloneOf(r);
    c.git("checkout", "-q", first);
    const grepo = new GitRepo(c.gitdir);
    const { files } = await inFiles(grepo, first, await gitMetadata(grepo, first), {
      returnRef: "some-tag-name",
      shortRefFormat: "v%s-x",
      timestampFormat: "unix",
      describeRefOptions: "--tags",
      now: 1700000000,
    });
    for (const f of ["branch", "tags", "url", "committer_date"]) expect(files.get(f), f).toBe("");
    expect(files.get("short_ref")).toBe("vsome-ta-x");
    expect(files.get("ref")).toBe("some-tag-name\n");
    expect(files.get("describe_ref")).toBe("\n");
  });

  it.skipIf(!hasJq)("metadata.json as jq prints it", () => {
    const metadata: GitMetadataField[] = [
      { name: "commit", value: "abc" },
      { name: "message", value: 'multi\nline "quoted" \u0001 é <>&/', type: "message" },
    ];
    const oracle = spawnSync("jq", ["."], { input: JSON.stringify(metadata), encoding: "utf8" }).stdout;
    expect(metadataJson(metadata)).toBe(oracle);
  });
});

describe("short_ref formats (awk printf over the first 7 bytes)", () => {
  const ref = "1234567890abcdef";
  it.each([
    ["%s", "1234567"],
    ["v-%s", "v-1234567"],
    ["%.3s", "123"],
    ["%10s|", "   1234567|"],
    ["%-9s|", "1234567  |"],
    ["\\t%s\\n", "\t1234567\n"],
    ["%d", "1234567"],
    ["%x", "12d687"],
    ["100%%", "100%"],
  ])("%s", (format, expected) => expect(shortRef(ref, format)).toBe(expected));

  it("fails as awk does when the format wants a second argument", () => {
    try {
      shortRef(ref, "%s-%s");
      expect.unreachable();
    } catch (e) {
      expect((e as JetwayError).exitCode).toBe(2);
      expect((e as JetwayError).stderr).toMatch(/not enough arguments passed to printf\("%s-%s"\)/);
    }
  });

  it.skipIf(spawnSync("awk", ["--version"]).status === null)("agrees with this machine's awk", () => {
    for (const format of ["%s", "v-%s", "%.3s", "%10s|", "%-9s|", "\\t%s\\n", "%d", "%x", "100%%", "%05d", "%c"]) {
      const oracle = spawnSync("awk", [`{ printf "${format}", $1 }`], { input: ref.slice(0, 7) + "\n", encoding: "utf8" }).stdout;
      expect(shortRef(ref, format), format).toBe(oracle);
    }
  });
});

describe.skipIf(!hasGit)("dates", () => {
  const r = repo();
  r.commit({ date: "@1614814567 +0530", authorDate: "@1614814567 -0800" });
  r.commit({ date: "@1262304000 -0000" });
  r.commit({ date: "@1700000000 +1345" });
  const shas = r.git("rev-list", "HEAD").trim().split("\n");
  const grepo = new GitRepo(r.gitdir);

  it("%ai and %ci keep each identity's own offset", async () => {
    for (const sha of shas) {
      const c = await grepo.readCommit(sha);
      const [ai, ci] = r.git("log", "-1", "--format=%ai|%ci", sha).trim().split("|");
      expect(formatDate(c.author, "iso8601", 0)).toBe(ai);
      expect(formatDate(c.committer, "iso", 0)).toBe(ci);
    }
  });

  it("every --date format matches git log", async () => {
    const now = Math.floor(Date.now() / 1000);
    const formats = ["iso", "iso8601", "iso-strict", "iso8601-strict", "rfc", "rfc2822", "short", "raw", "unix", "default", "local", "iso-local", "raw-local", "relative", "format:%Y-%m-%d %H:%M:%S %z|%a %b %e %j %p %I %u %w %y %%", "format:%s %T %D %F %R %C %k %l"];
    for (const sha of shas) {
      const c = await grepo.readCommit(sha);
      for (const f of formats) expect(formatDate(c.committer, f, now), `${sha} ${f}`).toBe(r.git("log", "-1", "--format=%cd", `--date=${f}`, sha).trim());
    }
  });

  it("refuses an unknown format as git does", () => {
    const ident = parseIdent("A <a@b> 1614814567 +0530");
    expect(() => formatDate(ident, "bogus", 0)).toThrow("fatal: unknown date format bogus");
    try {
      formatDate(ident, "", 0);
      expect.unreachable();
    } catch (e) {
      expect((e as JetwayError).stderr).toBe("fatal: unknown date format \n");
      expect((e as JetwayError).exitCode).toBe(128);
    }
  });

  it("relative dates count like git", () => {
    const now = 2_000_000_000;
    expect(relativeDate(now - 1, now)).toBe("1 second ago");
    expect(relativeDate(now - 89, now)).toBe("89 seconds ago");
    expect(relativeDate(now - 90, now)).toBe("2 minutes ago");
    expect(relativeDate(now - 86400 * 400, now)).toBe("1 year, 1 month ago");
    expect(relativeDate(now - 86400 * 3000, now)).toBe("8 years ago");
    expect(relativeDate(now + 5, now)).toBe("in the future");
  });
});

describe.skipIf(!hasGit)("describe", () => {
  function described(c: TestRepo, options: string) {
    const r = spawnSync("git", ["describe", ...options.split(" ").filter((w) => w !== "")], { cwd: c.dir, env: c.env(), encoding: "utf8" });
    return { stdout: r.stdout.replace(/\n$/, ""), status: r.status, stderr: r.stderr.trim() };
  }
  async function agree(c: TestRepo, options: string) {
    const ours = await gitDescribe(new GitRepo(c.gitdir), options.split(" ").filter((w) => w !== ""), false);
    const theirs = described(c, options);
    expect({ stdout: ours.stdout, status: ours.status }, options).toEqual({ stdout: theirs.stdout, status: theirs.status });
    if (theirs.status !== 0) expect(ours.stderr.join("\n"), options).toBe(theirs.stderr);
  }
  const optionSets = [
    "--always --dirty --broken",
    "",
    "--tags",
    "--all",
    "--long",
    "--abbrev=4",
    "--abbrev=0",
    "--abbrev=12 --tags",
    "--match=v1*",
    "--match=v* --exclude=*-rc*",
    "--tags --match=nothing*",
    "--first-parent",
    "--first-parent --tags",
    "--candidates=1",
    "--exact-match",
    "--always --exact-match",
    "--all --long --match=master",
  ];

  it("agrees with git on a repository without tags", async () => {
    const r = repo();
    r.commit();
    r.commit();
    const c = cloneOf(r);
    for (const o of optionSets) await agree(c, o);
  });

  it("agrees with git on tags, lightweight tags, merges and side branches", async () => {
    const r = repo();
    r.commit();
    r.annotatedTag("v1.0");
    r.commit();
    r.lightweightTag("light");
    r.commitOnBranch("side", { file: "side-file" });
    r.git("tag", "-a", "v1.1-rc1", "-m", "rc", "side");
    r.commit();
    r.annotatedTag("v0.9-late");
    r.commitOnBranch("side", { file: "side-file" });
    r.commitOnBranch("side", { file: "side-file" });
    r.merge("side");
    r.commit();
    r.commit();
    const c = cloneOf(r);
    for (const o of optionSets) await agree(c, o);
    c.git("checkout", "-q", "v1.0");
    for (const o of optionSets) await agree(c, o);
    c.git("checkout", "-q", "light");
    for (const o of optionSets) await agree(c, o);
  });

  it("prefers the newer of two annotated tags on one commit, and names a renamed tag by its own name", async () => {
    const r = repo();
    r.commit();
    r.annotatedTag("a-old");
    r.annotatedTag("b-new");
    r.commit();
    r.annotatedTag("inner-name");
    r.git("update-ref", "refs/tags/outer-name", r.git("rev-parse", "refs/tags/inner-name").trim());
    r.git("tag", "-d", "inner-name");
    r.commit();
    const c = cloneOf(r);
    for (const o of ["", "--long", "--all"]) await agree(c, o);
    c.git("checkout", "-q", "HEAD~1");
    for (const o of ["", "--long", "--all"]) await agree(c, o);
  });

  it("grows the abbreviation past 2^14 packed objects, as core.abbrev=auto does", async () => {
    const r = repo();
    // 6000 commits of one blob and one tree each: 18000 objects in one pack
    let stream = "";
    for (let i = 1; i <= 6000; i++) {
      const data = `file ${i}\n`;
      stream += `commit refs/heads/master\ncommitter A <a@b> ${1600000000 + i} +0000\ndata 2\nc\n`;
      stream += `M 644 inline f\ndata ${data.length}\n${data}\n`;
    }
    const res = spawnSync("git", ["fast-import", "--quiet"], { cwd: r.dir, env: r.env(), input: stream, encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    r.git("repack", "-adq");
    const bare = r.bareClone();
    made.push(bare);
    const ours = await gitDescribe(new GitRepo(bare.gitdir), ["--always"], false);
    const theirs = spawnSync("git", ["describe", "--always"], { cwd: bare.dir, env: bare.env(), encoding: "utf8" }).stdout.trim();
    expect(ours.stdout).toBe(theirs);
    expect(theirs.length).toBeGreaterThanOrEqual(8);
  }, 60_000);
});

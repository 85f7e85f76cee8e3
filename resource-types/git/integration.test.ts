/**
 * check and in end to end: a real `git http-backend` server and a local path,
 * through the protocol wrapper (decode, run, encode) and the built entry point,
 * compared with what the git CLI says of the same repository.
 */
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runOperation } from "../../src/protocol/entry.ts";
import type { Operation } from "../../src/protocol/types.ts";
import { repoRoot } from "../../test/golden/harness.ts";
import { runProcess } from "../../test/golden/host-paths.ts";
import { gitCliService, makeFixtureRepo, makeGeneratedRepo, startGitHttpServer, type FixtureRepo, type GitHttpServer } from "../../test/support/git-servers.ts";
import { describeWithService } from "../../test/support/services.ts";
import { gitType } from "./index.ts";

let repo: FixtureRepo;
let server: GitHttpServer;
let uri: string;
let work: string;
const env = { TMPDIR: "" };

async function run(op: Operation, request: unknown, dir?: string) {
  let stdout = "";
  let stderr = "";
  const result = await runOperation(gitType, op, dir ? [dir] : [], {
    stdin: JSON.stringify(request),
    env,
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
  });
  return { exitCode: result.exitCode, stdout, stderr };
}

const refs = (stdout: string) => (JSON.parse(stdout) as Array<{ ref: string }>).map((v) => v.ref);

await describeWithService(gitCliService, "git check and in against real servers", () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "jetway-git-int-"));
    env.TMPDIR = join(work, "tmp");
    repo = makeFixtureRepo({
      dir: join(work, "src", "repo"),
      bare: true,
      steps: [
        { commit: "first", files: { "README.md": "hello\n" } },
        { commit: "add app", files: { "app/main.txt": "v1\n" } },
        { commit: "docs only [ci skip]", files: { "docs/guide.md": "guide\n" } },
        { commit: "app v2", files: { "app/main.txt": "v2\n" } },
        { tag: "v1.0.0", message: "release 1.0.0" },
        { commit: "docs again", files: { "docs/guide.md": "guide 2\n" } },
      ],
    });
    server = await startGitHttpServer({ root: dirname(repo.bare!) });
    uri = `${server.url}/${repo.bare!.split("/").pop()}`;
  });
  afterAll(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("check without a version gives the latest commit that passes the filters", async () => {
    const r = await run("check", { source: { uri, branch: "main" } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(refs(r.stdout)).toEqual([repo.rev("main")]);
    // jq's layout, as upstream prints it
    expect(r.stdout).toBe(`[\n  {\n    "ref": "${repo.rev("main")}"\n  }\n]\n`);
  });

  it("check from a cursor lists oldest first, the cursor included, [ci skip] dropped", async () => {
    const r = await run("check", { source: { uri }, version: { ref: repo.rev("main~4") } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(refs(r.stdout)).toEqual([repo.rev("main~4"), repo.rev("main~3"), repo.rev("main~1"), repo.rev("main")]);
  });

  it("check with paths keeps only the commits touching them", async () => {
    const r = await run("check", { source: { uri, paths: ["app/*"] }, version: { ref: repo.rev("main~4") } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(refs(r.stdout)).toEqual([repo.rev("main~3"), repo.rev("main~1")]);
  });

  it("an unchanged remote costs one ref listing and no pack", async () => {
    await run("check", { source: { uri } });
    const before = server.requests.length;
    const r = await run("check", { source: { uri } });
    expect(r.exitCode).toBe(0);
    expect(server.requests.slice(before).every((q) => q.startsWith("GET ") && q.includes("/info/refs"))).toBe(true);
  });

  it("check's fast path answers from ls-remote alone", async () => {
    const before = server.requests.length;
    const r = await run("check", { source: { uri, disable_ci_skip: true } });
    expect(refs(r.stdout)).toEqual([repo.rev("main")]);
    expect(server.requests.slice(before)).toHaveLength(1);
  });

  it("a branch that does not exist fails in one line", async () => {
    const r = await run("check", { source: { uri, branch: "nope", disable_ci_skip: true } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("No commit returned. Invalid branch?\n");
    expect(r.stdout).toBe("");
  });

  it("check reads a local path with no server", async () => {
    const r = await run("check", { source: { uri: repo.bare }, version: { ref: repo.rev("main~1") } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(refs(r.stdout)).toEqual([repo.rev("main~1"), repo.rev("main")]);
  });

  it("in checks out the version and writes upstream's .git files", async () => {
    const dest = join(work, "in-full");
    const ref = repo.rev("main~1");
    const r = await run("in", { source: { uri, branch: "main" }, version: { ref } }, dest);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.version).toEqual({ ref });
    expect(out.metadata.map((m: { name: string }) => m.name).slice(0, 3)).toEqual(["commit", "author", "author_date"]);
    expect(await readFile(join(dest, "app/main.txt"), "utf8")).toBe("v2\n");
    expect(await readFile(join(dest, ".git/ref"), "utf8")).toBe(`${ref}\n`);
    expect(await readFile(join(dest, ".git/short_ref"), "utf8")).toBe(ref.slice(0, 7));
    expect(await readFile(join(dest, ".git/commit_message"), "utf8")).toBe(repo.git("log", "-1", "--format=format:%B", ref));
    expect(await readFile(join(dest, ".git/committer"), "utf8")).toBe(repo.git("log", "-1", "--format=%ae", ref).trim());
    expect(await readFile(join(dest, ".git/tags"), "utf8")).toBe("v1.0.0\n");
    expect(JSON.parse(await readFile(join(dest, ".git/metadata.json"), "utf8"))).toEqual(out.metadata);
  });

  it("in of a tag name checks out what the annotated tag names and returns the name verbatim", async () => {
    const dest = join(work, "in-tag");
    const r = await run("in", { source: { uri, tag_filter: "v*" }, version: { ref: "v1.0.0", commit: repo.rev("main~1") } }, dest);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).version).toEqual({ ref: "v1.0.0" });
    expect(await readFile(join(dest, ".git/ref"), "utf8")).toBe("v1.0.0\n");
    expect(await readFile(join(dest, ".git/commit"), "utf8")).toBe(`${repo.rev("main~1")}\n`);
    expect(await readFile(join(dest, "app/main.txt"), "utf8")).toBe("v2\n");
  });

  it("in with depth 1 deepens until an older ref is found", async () => {
    const dest = join(work, "in-shallow");
    const ref = repo.rev("main~3");
    const r = await run("in", { source: { uri }, version: { ref }, params: { depth: 1 } }, dest);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readFile(join(dest, "app/main.txt"), "utf8")).toBe("v1\n");
    expect(r.stderr).toMatch(/deepening/);
  });

  it("in of a ref that is not in the repository fails and leaves the destination empty", async () => {
    const dest = join(work, "in-missing");
    const r = await run("in", { source: { uri }, version: { ref: "0123456789abcdef0123456789abcdef01234567" } }, dest);
    expect(r.exitCode).toBe(128);
    expect(r.stderr).toMatch(/^fatal: reference is not a tree: 0123456789abcdef/m);
    expect(r.stdout).toBe("");
    expect(await readdir(dest)).toEqual([]);
  });

  it("the built entry point prints the same check as in-process", async () => {
    const request = { source: { uri }, version: { ref: repo.rev("main~2") } };
    const inProcess = await run("check", request);
    const entry = await runProcess(join(repoRoot, "dist/resource-types/git/check"), [], JSON.stringify(request), { TMPDIR: env.TMPDIR });
    expect(entry.exitCode, entry.stderr).toBe(0);
    expect(entry.stdout).toBe(inProcess.stdout);
  });
});

/** One line on stderr, nothing on stdout, nothing left in the destination: issue 4's bad-input contract for `in`. */
async function expectCleanFailure(r: { exitCode: number; stdout: string; stderr: string }, dest: string, line: RegExp, exitCode: number) {
  expect(r.exitCode, r.stderr).toBe(exitCode);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^[^\n]+\n$/);
  expect(r.stderr).toMatch(line);
  expect(await readdir(dest)).toEqual([]);
}

await describeWithService(gitCliService, "git in: bad input and faulty remotes", () => {
  const SECRET = "pa55-w0rd-for-the-test";
  let root: string;
  let authed: GitHttpServer;
  let dropping: GitHttpServer;
  let authedUri: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "jetway-git-faults-"));
    env.TMPDIR = join(root, "tmp");
    makeFixtureRepo({ dir: join(root, "srv", "small"), bare: true, steps: [{ commit: "one", files: { "a.txt": "a\n" } }] });
    // big enough that the pack outlives the cut below
    makeGeneratedRepo({ dir: join(root, "srv", "big.git"), commits: 300, files: 60 });
    authed = await startGitHttpServer({ root: join(root, "srv"), auth: { username: "ci", password: SECRET } });
    dropping = await startGitHttpServer({ root: join(root, "srv"), fault: { afterBytes: 20_000, mode: "drop" } });
    authedUri = `${authed.url}/small.git`;
  });
  afterAll(async () => {
    await authed?.close();
    await dropping?.close();
    await rm(root, { recursive: true, force: true });
  });

  const dest = async (name: string) => {
    const d = join(root, "dest", name);
    await mkdir(d, { recursive: true });
    return d;
  };

  it("a wrong password: one line naming the URL, never the password", async () => {
    const d = await dest("wrong-password");
    const r = await run("in", { source: { uri: authedUri, username: "ci", password: `not-${SECRET}` } }, d);
    await expectCleanFailure(r, d, /authentication failed/, 1);
    expect(r.stderr).toContain(authedUri);
    expect(r.stderr).not.toContain(SECRET);
  });

  it("the right password gets the repository (the failure above is the password's)", async () => {
    const d = await dest("right-password");
    const r = await run("in", { source: { uri: authedUri, username: "ci", password: SECRET } }, d);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readFile(join(d, "a.txt"), "utf8")).toBe("a\n");
    expect(await readFile(join(d, ".git/config"), "utf8")).not.toContain(SECRET);
  });

  it("an unreachable host: one line naming it", async () => {
    const d = await dest("unreachable");
    const r = await run("in", { source: { uri: "http://127.0.0.1:1/small.git" } }, d);
    await expectCleanFailure(r, d, /^cannot reach 127\.0\.0\.1:1: .*ECONNREFUSED/, 1);
  });

  it("a branch that does not exist: git clone's words and exit code", async () => {
    const d = await dest("no-branch");
    const r = await run("in", { source: { uri: authedUri, username: "ci", password: SECRET, branch: "no-such-branch" } }, d);
    await expectCleanFailure(r, d, /^fatal: Remote branch no-such-branch not found in upstream origin\n$/, 128);
  });

  it("a tag or branch name that is not in the repository: git checkout's words", async () => {
    const d = await dest("no-ref");
    const r = await run("in", { source: { uri: authedUri, username: "ci", password: SECRET }, version: { ref: "v9.9.9" } }, d);
    await expectCleanFailure(r, d, /^fatal: reference is not a tree: v9\.9\.9\n$/, 128);
  });

  it("a remote that closes the connection mid-pack: an error, not a hang, and no half clone", { timeout: 30_000 }, async () => {
    const d = await dest("dropped");
    const r = await run("in", { source: { uri: `${dropping.url}/big.git` } }, d);
    await expectCleanFailure(r, d, /closed before the response was complete/, 1);
    // the server did send part of a pack before cutting it
    expect(dropping.requests.some((q) => q.startsWith("POST ") && q.endsWith("/git-upload-pack"))).toBe(true);
  });
});

/** The scheduler end to end in-process: what runs, when, in which order, and what the state and output say. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StateStore } from "../../src/state/index.ts";
import { removeTempDirs, sh, Workspace } from "./helpers.ts";

afterAll(removeTempDirs);

const yaml = (pipeline: unknown) => JSON.stringify(pipeline);

/** Lines of the live output that say a build started, in order: "job #n". */
const started = (out: string) => [...out.matchAll(/^(\S+ #\d+) started/gm)].map((m) => m[1]);

describe("jetway run: which jobs are due", () => {
  const fanOut = yaml({
    resources: [
      { name: "src", type: "mock", source: { initial_version: "v1" } },
      { name: "out", type: "mock", source: {} },
    ],
    jobs: [
      { name: "deploy", plan: [{ get: "out", passed: ["build"], trigger: true }, { task: "say", config: sh("echo deploying") }] },
      { name: "build", plan: [{ get: "src", trigger: true }, { task: "make", config: sh("echo made"), }, { put: "out", params: { version: "artifact-1" } }] },
      { name: "manual", plan: [{ get: "src" }, { task: "t", config: sh("true") }] },
    ],
  });

  it("first run: every job whose inputs are available runs, upstream first; then nothing is due", async () => {
    const ws = new Workspace("due");
    const first = await ws.run(fanOut);
    expect(first.exitCode).toBe(0);
    // deploy is listed first in the file but waits for build, whose put it takes
    expect(started(first.out).indexOf("deploy #1")).toBeGreaterThan(started(first.out).indexOf("build #1"));
    expect(new Set(started(first.out))).toEqual(new Set(["build #1", "deploy #1", "manual #1"]));
    expect(first.out).toContain("build #1 started (trigger: src)");
    expect(first.out).toContain('deploy #1 started (trigger: out): out {"privileged":"true","version":"artifact-1"}');
    expect(first.out).toContain("manual #1 started (first run)");

    const second = await ws.run(fanOut);
    expect(second.exitCode).toBe(0);
    expect(started(second.out)).toEqual([]);
    expect(second.out).toMatch(/^build +- +not run +no new versions$/m);
  });

  it("--job runs one job whether or not it is due, and only that job", async () => {
    const ws = new Workspace("job");
    await ws.run(fanOut);
    const r = await ws.run(fanOut, { kind: "job", job: "build" });
    expect(r.exitCode).toBe(0);
    expect(started(r.out)).toEqual(["build #2"]);
    expect(r.out).toContain("build #2 started (manual)");
  });

  it("--job of a job whose inputs do not resolve: exit 1 and why", async () => {
    const ws = new Workspace("job-unresolved");
    const r = await ws.run(fanOut, { kind: "job", job: "deploy" });
    expect(r.exitCode).toBe(1);
    expect(r.builds).toEqual([]);
    expect(r.out).toMatch(/^deploy +- +not run +out: no version of out has passed build$/m);
  });

  it("a failed job fails the run, and the job downstream of it does not run", async () => {
    const ws = new Workspace("failed");
    const p = yaml({
      resources: [{ name: "src", type: "mock", source: { initial_version: "v1" } }],
      jobs: [
        { name: "test", plan: [{ get: "src", trigger: true }, { task: "t", config: sh("echo broken >&2; exit 3") }] },
        { name: "ship", plan: [{ get: "src", passed: ["test"], trigger: true }] },
      ],
    });
    const r = await ws.run(p);
    expect(r.exitCode).toBe(1);
    expect(r.builds).toEqual([{ job: "test", number: 1, status: "failed", detail: "exit status 3" }]);
    expect(r.out).toContain("test #1 t | broken\n");
    expect(r.out).toMatch(/^ship +- +not run +src: no version of src has passed test$/m);
  });

  it("a put's version triggers a job that gets the resource without passed, on the next run", async () => {
    const ws = new Workspace("put-trigger");
    const p = yaml({
      resources: [{ name: "r", type: "mock", source: { initial_version: "first" } }],
      jobs: [
        { name: "bump", plan: [{ put: "r", params: { version: "second" }, no_get: true }] },
        { name: "consume", plan: [{ get: "r", trigger: true }, { task: "t", config: sh("cat r/version", { inputs: [{ name: "r" }] }) }] },
      ],
    });
    const first = await ws.run(p);
    expect(new Set(started(first.out))).toEqual(new Set(["bump #1", "consume #1"]));
    const second = await ws.run(p);
    expect(started(second.out)).toEqual(["consume #2"]);
    expect(second.out).toContain("consume #2 t | second");
  });

  it("without a container fallback, a resource that is not native is skipped with a reason, and jobs needing it say so", async () => {
    const ws = new Workspace("fallback");
    const p = yaml({
      resource_types: [{ name: "custom", type: "registry-image", source: { repository: "example/custom" } }],
      resources: [{ name: "thing", type: "custom", source: {} }],
      jobs: [{ name: "use", plan: [{ get: "thing", trigger: true }] }],
    });
    const r = await ws.run(p);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("check thing: skipped: not native (type custom is not native) and this executor has no container fallback\n");
    expect(r.out).toMatch(/^use +- +not run +thing: no version of thing yet \(not checked: not native \(type custom is not native\) and this executor has no container fallback\)$/m);
  });

  it("a pinned version a check has not returned is found by a check from it", async () => {
    const ws = new Workspace("pin");
    const p = yaml({
      resources: [{ name: "src", type: "mock", source: { initial_version: "latest" } }],
      jobs: [{ name: "old", plan: [{ get: "src", version: { version: "v0.9" } }, { task: "t", config: sh("cat src/version", { inputs: [{ name: "src" }] }) }] }],
    });
    const r = await ws.run(p);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("check src: 2 new versions");
    expect(r.out).toContain("old #1 t | v0.9");
  });
});

describe("jetway run: serial groups and limits", () => {
  // each task takes a lock file and fails if another task holds it
  const locking = (dir: string, groups: boolean) =>
    yaml({
      resources: [{ name: "src", type: "mock", source: {} }],
      jobs: ["a", "b", "c"].map((name) => ({
        name,
        ...(groups && { serial_groups: ["deploys"] }),
        plan: [
          { get: "src", trigger: true },
          { task: "hold", config: sh(`if ! mkdir ${join(dir, "lock")} 2>/dev/null; then echo "someone else holds the lock"; exit 1; fi; sleep 0.3; rmdir ${join(dir, "lock")}`) },
        ],
      })),
    });

  it("jobs of one serial group never run at once", async () => {
    const ws = new Workspace("serial");
    const r = await ws.run(locking(ws.dir, true));
    expect(r.builds.map((b) => [b.job, b.status]).sort()).toEqual([
      ["a", "succeeded"],
      ["b", "succeeded"],
      ["c", "succeeded"],
    ]);
    expect(r.exitCode).toBe(0);
  });

  it("without the group they do (so the test above can tell)", async () => {
    const ws = new Workspace("parallel");
    const r = await ws.run(locking(ws.dir, false));
    expect(r.builds.filter((b) => b.status === "failed").length).toBeGreaterThan(0);
  });
});

describe("secrets", () => {
  it("a var named like a secret is redacted from the output and the stored logs", async () => {
    const ws = new Workspace("secret");
    const p = yaml({
      resources: [],
      jobs: [{ name: "leak", plan: [{ task: "t", config: sh("echo \"token is $TOKEN\"; printf '%s' \"$TOKEN\" | cut -c1-5; echo \"branch $BRANCH\"", { params: { TOKEN: "((api-token))", BRANCH: "((branch))" } }) }] }],
    });
    const r = await ws.run(p, { kind: "once" }, { vars: ["api-token=sekret-123456", "branch=main"] });
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("leak #1 t | token is [redacted]\n");
    expect(r.out).toContain("leak #1 t | branch main\n");
    expect(r.out).not.toContain("sekret-123456");
    const store = StateStore.openExisting(ws.state);
    const build = store.builds.list({ job: "leak" })[0]!;
    const logged = store.builds.logs(build.id).map((l) => l.text).join("");
    store.close();
    expect(logged).toContain("token is [redacted]");
    expect(logged).not.toContain("sekret-123456");
  });
});

describe("jetway watch", () => {
  it("triggers as new versions arrive, and on SIGINT aborts the running build: on_abort and ensure run", async () => {
    const ws = new Workspace("watch");
    const marks = join(ws.dir, "marks");
    const p = yaml({
      resources: [{ name: "tick", type: "time", check_every: "1s", source: { interval: "1s" } }],
      jobs: [
        { name: "quick", plan: [{ get: "tick", trigger: true }, { task: "t", config: sh("echo tick") }] },
        {
          name: "slow",
          plan: [{ task: "wait", config: sh("sleep 30") }],
          on_abort: { task: "aborted", config: sh(`mkdir -p ${marks} && touch ${marks}/on_abort`) },
          ensure: { task: "cleanup", config: sh(`mkdir -p ${marks} && touch ${marks}/ensure`) },
        },
      ],
    });
    const controller = new AbortController();
    let out = "";
    const running = ws.run(p, { kind: "watch" }, {
      signal: controller.signal,
      onOutput: (t) => {
        out += t;
        if ((out.match(/^quick #\d+ succeeded/gm) ?? []).length >= 2 && out.includes("slow #1 task wait")) controller.abort();
      },
    });
    const r = await running;
    expect(r.exitCode).toBe(130);
    const quick = r.builds.filter((b) => b.job === "quick");
    expect(quick.length).toBeGreaterThanOrEqual(2);
    expect(quick.every((b) => b.status === "succeeded")).toBe(true);
    expect(r.builds.find((b) => b.job === "slow")).toMatchObject({ status: "aborted" });
    expect(existsSync(join(marks, "on_abort"))).toBe(true);
    expect(existsSync(join(marks, "ensure"))).toBe(true);
    const store = StateStore.openExisting(ws.state);
    expect(store.builds.list({ job: "slow" }).map((b) => b.status)).toEqual(["aborted"]);
    store.close();
  }, 60_000);
});

describe("the state across runs", () => {
  it("versions and builds survive: a job triggered by a version counts it as used next time", async () => {
    const ws = new Workspace("survive");
    const p = yaml({ resources: [{ name: "src", type: "mock", source: { initial_version: "v1" } }], jobs: [{ name: "j", plan: [{ get: "src", trigger: true }] }] });
    await ws.run(p);
    const store = StateStore.openExisting(ws.state);
    const [build] = store.builds.list();
    expect(build).toMatchObject({ job: "j", number: 1, status: "succeeded", pipeline: "test" });
    expect(store.builds.inputs(build!.id).map((i) => [i.name, i.resource, i.version.version.version])).toEqual([["src", "src", "v1"]]);
    store.close();
    expect(readFileSync(join(ws.state, "state.db")).length).toBeGreaterThan(0);
  });
});

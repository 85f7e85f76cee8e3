/** get, task and put passing artifacts by name, on the real native driver with the native mock type. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPrivileged } from "../../../resource-types/mock/privileged.ts";
import { harness, pipeline, shTask, type Harness } from "./testing.ts";

let h: Harness;
/** the mock marks versions it puts as privileged when it runs as real root, as upstream does */
let privileged: boolean;
beforeAll(async () => {
  h = await harness();
  privileged = await isPrivileged();
});
afterAll(async () => {
  await h.close();
});

const v = (version: string) => ({ version });

describe("get, task, put", () => {
  it("passes artifacts by name: get -> task output -> put (detect) -> implicit get -> task", async () => {
    const p = pipeline({
      resources: [
        { name: "source-code", type: "mock", source: { create_files: { "greeting.txt": "hello" } } },
        { name: "release", type: "mock", source: { metadata: [{ name: "kind", value: "release" }] } },
      ],
      jobs: [
        {
          name: "ship",
          plan: [
            { get: "source-code" },
            {
              task: "build",
              config: shTask('cat source-code/greeting.txt; printf "%s-built" "$(cat source-code/greeting.txt)" > out/version.txt', {
                inputs: [{ name: "source-code" }],
                outputs: [{ name: "out" }],
              }),
            },
            { put: "release", inputs: "detect", params: { file: "out/version.txt" } },
            { task: "check", config: shTask("cat release/version", { inputs: [{ name: "release" }] }) },
          ],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "ship", { inputs: new Map([["source-code", v("42")]]) });
    expect(outcome).toEqual({ status: "succeeded" });
    expect(recorder.finished()).toEqual(["plan.0 succeeded", "plan.1 succeeded", "plan.2 succeeded", "plan.2.get succeeded", "plan.3 succeeded"]);
    expect(recorder.text("plan.1")).toBe("hello");
    // the put's version came from the task's output; the implicit get fetched it under the put's name
    expect(recorder.text("plan.3")).toBe("hello-built\n");
    const io = recorder.events.filter((e) => e.type === "input" || e.type === "output");
    expect(io).toEqual([
      { type: "input", step: { id: "plan.0", kind: "get", name: "source-code" }, resource: "source-code", version: v("42"), metadata: null },
      {
        type: "output",
        step: { id: "plan.2", kind: "put", name: "release" },
        resource: "release",
        version: { ...v("hello-built"), ...(privileged && { privileged: "true" }) },
        metadata: [{ name: "kind", value: "release" }],
      },
    ]);
    // the mock's own log lines reach the step's stderr
    expect(recorder.text("plan.0", "stderr")).toContain("fetching version: 42");
    expect(recorder.text("plan.2", "stderr")).toContain("pushing version: hello-built");
  });

  it("maps inputs and outputs: input_mapping, output_mapping, input path, optional inputs", async () => {
    const p = pipeline({
      resources: [{ name: "repo", type: "mock", source: { create_files: { "a.txt": "from-repo" } } }],
      jobs: [
        {
          name: "map",
          plan: [
            { get: "code", resource: "repo" },
            {
              task: "make",
              config: shTask('cat src/deep/a.txt > result/copy.txt; test ! -e maybe && echo "no optional"', {
                inputs: [{ name: "source", path: "src/deep" }, { name: "maybe", optional: true }],
                outputs: [{ name: "result" }],
              }),
              input_mapping: { source: "code" },
              output_mapping: { result: "renamed" },
            },
            { task: "read", config: shTask("cat renamed/copy.txt", { inputs: [{ name: "renamed" }] }) },
          ],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "map", { inputs: new Map([["code", v("1")]]) });
    expect(outcome.status).toBe("succeeded");
    expect(recorder.text("plan.1")).toBe("no optional\n");
    expect(recorder.text("plan.2")).toBe("from-repo");
    // `get: code` of resource repo records the resource's name
    expect(recorder.events.find((e) => e.type === "input")).toMatchObject({ resource: "repo", step: { name: "code" } });
  });

  it("run.dir starts the process in that directory, relative paths and all", async () => {
    const p = pipeline({
      resources: [{ name: "repo", type: "mock", source: { create_files: { "ci/build.sh": 'echo "in $(basename "$PWD"): $(cat ci/marker)"', "ci/marker": "found" } } }],
      jobs: [{ name: "in-dir", plan: [{ get: "repo" }, { task: "build", config: { ...shTask(""), run: { path: "sh", args: ["ci/build.sh"], dir: "repo" }, inputs: [{ name: "repo" }] } }] }],
    });
    const { outcome, recorder } = await h.run(p, "in-dir", { inputs: new Map([["repo", v("1")]]) });
    expect(outcome.status).toBe("succeeded");
    expect(recorder.text("plan.1")).toBe("in repo: found\n");
  });

  it("an output at an input's path is the input, changed in place", async () => {
    const p = pipeline({
      resources: [{ name: "repo", type: "mock" }],
      jobs: [
        {
          name: "edit",
          plan: [
            { get: "repo" },
            { task: "bump", config: shTask("echo bumped >> repo/version", { inputs: [{ name: "repo" }], outputs: [{ name: "repo", path: "repo" }] }), output_mapping: { repo: "bumped" } },
            { task: "read", config: shTask("cat bumped/version", { inputs: [{ name: "bumped" }] }) },
          ],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "edit", { inputs: new Map([["repo", v("7")]]) });
    expect(outcome.status).toBe("succeeded");
    expect(recorder.text("plan.2")).toBe("7\nbumped\n");
  });

  it("a missing input is an error naming it; a task exiting non-zero is a failure", async () => {
    const p = pipeline({
      jobs: [
        { name: "missing", plan: [{ task: "t", config: shTask("true", { inputs: [{ name: "nowhere" }, { name: "also-not" }] }) }] },
        { name: "exit", plan: [{ task: "t", config: shTask("echo oops >&2; exit 3") }] },
      ],
    });
    const missing = await h.run(p, "missing");
    expect(missing.outcome).toEqual({ status: "errored", detail: "task t: missing inputs: nowhere, also-not" });
    const exit = await h.run(p, "exit");
    expect(exit.outcome).toEqual({ status: "failed", detail: "exit status 3" });
    expect(exit.recorder.text("plan.0", "stderr")).toBe("oops\n");
  });

  it("errors, not failures: an unknown program, a resource that fails, no chosen version, set_pipeline", async () => {
    const p = pipeline({
      resources: [
        { name: "broken", type: "mock", source: { mirror_self: true } },
        { name: "plain", type: "mock" },
      ],
      jobs: [
        { name: "no-program", plan: [{ task: "t", config: { platform: "linux", run: { path: "./not-there" } } }] },
        { name: "bad-get", plan: [{ get: "broken" }] },
        { name: "no-version", plan: [{ get: "plain" }] },
        { name: "sets", plan: [{ set_pipeline: "other", file: "x/p.yml" }] },
      ],
    });
    const noProgram = await h.run(p, "no-program");
    expect(noProgram.outcome.status).toBe("errored");
    expect(noProgram.outcome.detail).toContain('command "./not-there" is not an executable file');
    const badGet = await h.run(p, "bad-get", { inputs: new Map([["broken", v("1")]]) });
    expect(badGet.outcome.status).toBe("errored");
    expect(badGet.outcome.detail).toContain("mirror_self is not supported");
    const noVersion = await h.run(p, "no-version");
    expect(noVersion.outcome).toEqual({ status: "errored", detail: "get plain: no version of plain was chosen for this build" });
    const sets = await h.run(p, "sets");
    expect(sets.outcome).toEqual({
      status: "errored",
      detail: "set_pipeline is not supported by jetway's runner: set pipelines with fly against a Concourse",
    });
  });

  it("a get's pinned version wins over the scheduler's choice; BUILD_* reach gets and puts", async () => {
    const p = pipeline({
      resources: [{ name: "r", type: "mock" }],
      jobs: [{ name: "pinned", plan: [{ get: "r", version: { version: "pinned" } }, { put: "r", params: { version: "new", print_env: true }, no_get: true }] }],
    });
    const { outcome, recorder } = await h.run(p, "pinned", { inputs: new Map([["r", v("chosen")]]), buildName: "17" });
    expect(outcome.status).toBe("succeeded");
    expect(recorder.events.find((e) => e.type === "input")).toMatchObject({ version: v("pinned") });
    const env = recorder.text("plan.1", "stderr");
    for (const line of ["env: BUILD_NAME=17", "env: BUILD_JOB_NAME=pinned", "env: BUILD_PIPELINE_NAME=test", "env: BUILD_TEAM_NAME=main"]) {
      expect(env).toContain(line);
    }
    // no_get: no implicit get step
    expect(recorder.finished()).toEqual(["plan.0 succeeded", "plan.1 succeeded"]);
  });

  it("put inputs: a list gives only those artifacts; no_get leaves no artifact behind", async () => {
    const p = pipeline({
      resources: [
        { name: "a", type: "mock" },
        { name: "b", type: "mock" },
        { name: "out", type: "mock" },
      ],
      jobs: [
        {
          name: "listed",
          plan: [{ get: "a" }, { get: "b" }, { put: "out", inputs: ["a"], params: { file: "b/version" } }],
        },
        {
          name: "detected",
          plan: [{ get: "a" }, { get: "b" }, { put: "out", inputs: "detect", params: { file: "./b/version" }, no_get: true }, { task: "t", config: shTask("true", { inputs: [{ name: "out" }] }) }],
        },
      ],
    });
    const inputs = new Map([
      ["a", v("va")],
      ["b", v("vb")],
    ]);
    const listed = await h.run(p, "listed", { inputs });
    expect(listed.outcome.status).toBe("errored");
    expect(listed.outcome.detail).toContain("failed to read version file");
    const detected = await h.run(p, "detected", { inputs });
    expect(detected.recorder.events.find((e) => e.type === "output")).toMatchObject({ version: v("vb\n") });
    expect(detected.outcome).toEqual({ status: "errored", detail: "task t: missing inputs: out" });
  });

  it("the native time type fetches through the same path", async () => {
    const p = pipeline({
      resources: [{ name: "tick", type: "time", source: { interval: "1m" } }],
      jobs: [{ name: "timed", plan: [{ get: "tick" }, { task: "t", config: shTask("cat tick/input", { inputs: [{ name: "tick" }] }) }] }],
    });
    const time = "2024-05-01T10:00:00Z";
    const { outcome, recorder } = await h.run(p, "timed", { inputs: new Map([["tick", { time }]]) });
    expect(outcome.status).toBe("succeeded");
    expect(JSON.parse(recorder.text("plan.1"))).toMatchObject({ source: { interval: "1m0s" }, version: { time } });
  });

  it("caches survive from build to build of the same job", async () => {
    const p = pipeline({
      jobs: [{ name: "cached", plan: [{ task: "count", config: shTask("echo run >> cache/runs; wc -l < cache/runs", { caches: [{ path: "cache" }] }) }] }],
    });
    const first = await h.run(p, "cached");
    const second = await h.run(p, "cached");
    expect(first.recorder.text("plan.0").trim()).toBe("1");
    expect(second.recorder.text("plan.0").trim()).toBe("2");
  });

  it("removes the build's volumes and containers when it ends", async () => {
    const p = pipeline({
      resources: [{ name: "r", type: "mock" }],
      jobs: [{ name: "tidy", plan: [{ get: "r" }, { task: "t", config: shTask("echo x > o/f", { outputs: [{ name: "o" }] }) }] }],
    });
    const { readdir } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const dir = (h.driver as unknown as { dir: string }).dir;
    const before = new Set(await readdir(join(dir, "volumes")).catch(() => []));
    const { outcome } = await h.run(p, "tidy", { inputs: new Map([["r", v("1")]]) });
    expect(outcome.status).toBe("succeeded");
    const after = (await readdir(join(dir, "volumes")).catch(() => [])).filter((name) => !before.has(name));
    expect(after).toEqual([]);
    expect(await readdir(join(dir, "containers")).catch(() => [])).toEqual([]);
  });
});

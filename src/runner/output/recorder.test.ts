import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateStore } from "../../state/index.ts";
import type { StepRef } from "../build/types.ts";
import { BuildOutput } from "./recorder.ts";
import { replayBuild } from "./replay.ts";
import { makeStyle } from "./style.ts";
import { Terminal } from "./terminal.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(secrets: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "jetway-recorder-test-"));
  dirs.push(dir);
  const store = StateStore.open(dir);
  const p = store.pipelineId("p");
  const release = store.versions.resource(p, "release", "mock", "h");
  const run = store.runs.start(store.owner, "native", "ns");
  const build = store.builds.create({ pipelineId: p, job: "ship", runId: run, manual: false, inputs: [] });
  const lines: string[] = [];
  const terminal = new Terminal({ write: (s) => lines.push(s), tty: false, color: false });
  let now = 1000;
  const output = new BuildOutput({
    store,
    terminal,
    buildId: build.id,
    job: "ship",
    number: build.number,
    resourceIds: new Map([["release", release]]),
    secrets: new Set(secrets),
    now: () => (now += 10),
  });
  return { store, output, lines, build, release, p };
}

const task: StepRef = { id: "plan.0", kind: "task", name: "deploy" };

describe("BuildOutput", () => {
  it("prints whole lines prefixed by build and step, and stores the chunks as they came", () => {
    const { store, output, lines, build } = setup();
    output.stepStarted(task);
    output.log(task, "stdout", "hello wo");
    output.log(task, "stdout", "rld\nsecond");
    output.stepFinished(task, "succeeded");
    expect(lines.join("")).toBe("ship #1 task deploy\nship #1 deploy | hello world\nship #1 deploy | second\nship #1 task deploy: succeeded (40ms)\n");
    expect(store.builds.logs(build.id).map((l) => l.text)).toEqual(["hello wo", "rld\nsecond"]);
    expect(store.builds.steps(build.id)).toMatchObject([{ stepId: "plan.0", kind: "task", name: "deploy", status: "succeeded" }]);
    store.close();
  });

  it("takes colour codes out of printed lines when the output has no colours, and keeps them in the store", () => {
    const { store, output, lines, build } = setup();
    output.stepStarted(task);
    output.log(task, "stderr", "\x1b[36mINFO\x1b[0m[0000] fetching\n");
    output.stepFinished(task, "succeeded");
    expect(lines).toContain("ship #1 deploy | INFO[0000] fetching\n");
    expect(store.builds.logs(build.id)[0]?.text).toBe("\x1b[36mINFO\x1b[0m[0000] fetching\n");
    store.close();
  });

  it("redacts a secret split across chunks, in the live lines and in the store", () => {
    const { store, output, lines, build } = setup(["t0ps3cret-value"]);
    output.stepStarted(task);
    output.log(task, "stdout", "using t0ps3");
    output.log(task, "stdout", "cret-va");
    output.log(task, "stdout", "lue to deploy\n");
    output.stepFinished(task, "failed", "exit status 1: t0ps3cret-value rejected");
    const text = lines.join("") + store.builds.logs(build.id).map((l) => l.text).join("") + JSON.stringify(store.builds.steps(build.id));
    expect(text).not.toContain("t0ps3");
    expect(lines).toContain("ship #1 deploy | using [redacted] to deploy\n");
    expect(store.builds.logs(build.id).map((l) => l.text).join("")).toBe("using [redacted] to deploy\n");
    expect(store.builds.steps(build.id)[0]?.detail).toBe("exit status 1: [redacted] rejected");
    store.close();
  });

  it("stores a put's version as the resource's latest and as the build's output; a get's as an input", () => {
    const { store, output, build, release, p } = setup();
    const put: StepRef = { id: "plan.1", kind: "put", name: "release" };
    output.stepStarted(put);
    output.output(put, "release", { version: "2" }, [{ name: "note", value: "made" }]);
    output.stepFinished(put, "succeeded");
    const get: StepRef = { id: "plan.2", kind: "get", name: "prev" };
    output.input(get, "release", { version: "1" }, null);
    expect(store.versions.list(release).map((v) => v.version.version)).toEqual(["2", "1"]);
    store.builds.finish(build.id, "succeeded", undefined);
    const passed = store.builds.passedBuilds(p, "ship", release);
    expect([...passed.keys()].length).toBe(2);
    expect(store.builds.inputs(build.id).map((i) => [i.name, i.version.version.version])).toEqual([["prev", "1"]]);
    store.close();
  });

  it("prints an unfinished last line when the step ends, and replays the build as it was shown", () => {
    const { store, output, lines, build } = setup();
    output.stepStarted(task);
    output.log(task, "stderr", "no newline at the end");
    output.stepFinished(task, "errored", "boom");
    store.builds.finish(build.id, "errored", "boom");
    expect(lines).toContain("ship #1 deploy | no newline at the end\n");
    const replay = replayBuild(
      { build: store.builds.get(build.id)!, inputs: [], steps: store.builds.steps(build.id), logs: store.builds.logs(build.id) },
      makeStyle(false),
    );
    expect(replay.slice(1, -1)).toEqual(["ship #1 task deploy", "ship #1 deploy | no newline at the end", "ship #1 task deploy: errored - boom (30ms)"]);
    expect(replay.at(-1)).toMatch(/^ship #1 errored in \d+ms: boom$/);
    store.close();
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { pipelineSchema } from "../pipeline/types.ts";
import { StateStore } from "../state/index.ts";
import { claimBuild, type ClaimContext, type ClaimResult } from "./claim.ts";
import { PipelineModel } from "./model.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), "jetway-claim-test-"));
  dirs.push(dir);
  const store = StateStore.open(dir);
  const pipeline = pipelineSchema.parse(parse(yaml));
  const model = new PipelineModel(pipeline, "p", store, createDefaultRegistry());
  const src = model.resources.get("src")!.id;
  const [v1] = store.versions.saveChecked(src, [{ version: { v: "1" } }]);
  const ctx = (runId: number): ClaimContext => ({ store, model, runId, whyNoVersions: () => undefined });
  const runA = store.runs.start(store.owner, "native", "a");
  const runB = store.runs.start(store.owner, "native", "b");
  return { store, model, src, v1: v1!, a: ctx(runA), b: ctx(runB) };
}

const kind = (r: ClaimResult) => (r.kind === "claimed" ? `claimed #${r.build.number} (${r.build.reason})` : `${r.kind}: ${r.reason}`);

const jobs = (extra: string) => `
resources: [{name: src, type: mock, source: {}}]
jobs:
- name: j
${extra}
  plan: [{get: src, trigger: true}]
- name: k
  serial_groups: [deploys]
  plan: [{get: src, trigger: true}]
- name: l
  serial_groups: [deploys]
  plan: [{get: src}]
`;

describe("claimBuild", () => {
  it("a version triggers one build, whichever process claims it first; a new version triggers again", () => {
    const { store, model, src, a, b } = setup(jobs(""));
    const j = model.jobs.get("j")!;
    expect(kind(claimBuild(a, j, "scheduled"))).toBe("claimed #1 (trigger: src)");
    expect(kind(claimBuild(b, j, "scheduled"))).toBe("not-due: no new versions");
    store.versions.saveChecked(src, [{ version: { v: "1" } }, { version: { v: "2" } }]);
    expect(kind(claimBuild(b, j, "scheduled"))).toBe("claimed #2 (trigger: src)");
    store.close();
  });

  it("a job without trigger inputs runs once on its own (first run), then only by hand", () => {
    const { store, model, a } = setup(jobs(""));
    const l = model.jobs.get("l")!;
    expect(kind(claimBuild(a, l, "scheduled"))).toBe("claimed #1 (first run)");
    expect(kind(claimBuild(a, l, "scheduled"))).toBe("not-due: no new versions");
    store.close();
  });

  it("serial: one build at a time, counting other processes' builds; free again when it ends", () => {
    const { store, model, a, b } = setup(jobs("  serial: true"));
    const j = model.jobs.get("j")!;
    const first = claimBuild(a, j, "manual");
    expect(kind(first)).toBe("claimed #1 (manual)");
    expect(kind(claimBuild(b, j, "manual"))).toBe("held: waiting: a build of the job is running (serial)");
    if (first.kind === "claimed") store.builds.finish(first.build.id, "succeeded", undefined);
    expect(kind(claimBuild(b, j, "manual"))).toBe("claimed #2 (manual)");
    store.close();
  });

  it("max_in_flight: that many at once", () => {
    const { store, model, a } = setup(jobs("  max_in_flight: 2"));
    const j = model.jobs.get("j")!;
    expect([claimBuild(a, j, "manual"), claimBuild(a, j, "manual"), claimBuild(a, j, "manual")].map(kind)).toEqual([
      "claimed #1 (manual)",
      "claimed #2 (manual)",
      "held: waiting: 2 builds of the job are running (max_in_flight)",
    ]);
    store.close();
  });

  it("serial_groups: one build across the group's jobs", () => {
    const { store, model, a } = setup(jobs(""));
    expect(kind(claimBuild(a, model.jobs.get("k")!, "scheduled"))).toBe("claimed #1 (trigger: src)");
    expect(kind(claimBuild(a, model.jobs.get("l")!, "scheduled"))).toBe("held: waiting: serial group deploys has a build running");
    // not in the group: free
    expect(kind(claimBuild(a, model.jobs.get("j")!, "scheduled"))).toBe("claimed #1 (trigger: src)");
    store.close();
  });

  it("inputs that do not resolve: no build, and why", () => {
    const { store, a } = setup(jobs(""));
    const other = new PipelineModel(
      pipelineSchema.parse(parse("resources: [{name: src, type: mock, source: {}}, {name: empty, type: mock, source: {x: 1}}]\njobs: [{name: m, plan: [{get: empty}]}]")),
      "p",
      store,
      createDefaultRegistry(),
    );
    const r = claimBuild({ ...a, model: other, whyNoVersions: () => "check failed: boom" }, other.jobs.get("m")!, "manual");
    expect(kind(r)).toBe("unresolved: empty: no version of empty yet (check failed: boom)");
    expect(store.builds.list()).toEqual([]);
    store.close();
  });
});

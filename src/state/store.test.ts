import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { DB_FILE } from "./db.ts";
import { MIGRATIONS } from "./migrations.ts";
import { ownerLiveness, processStart } from "./owner.ts";
import { StateStore } from "./store.ts";

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "jetway-state-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A pid that is surely gone: a child that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"]);
  return Number(r.stdout.toString().trim());
}

describe("StateStore", () => {
  it("creates the schema once, in WAL mode, and opens it again as it is", () => {
    const dir = freshDir();
    const store = StateStore.open(join(dir, "state"));
    const id = store.pipelineId("p");
    store.close();
    const db = new DatabaseSync(join(dir, "state", DB_FILE));
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.prepare("PRAGMA user_version").get()).toEqual({ user_version: MIGRATIONS.length });
    db.close();
    const again = StateStore.open(join(dir, "state"));
    expect(again.pipelineId("p")).toBe(id);
    again.close();
  });

  it("refuses a state newer than it knows, in one line", () => {
    const dir = freshDir();
    StateStore.open(dir).close();
    const db = new DatabaseSync(join(dir, DB_FILE));
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => StateStore.open(dir)).toThrow(`is at schema version ${MIGRATIONS.length + 1}, newer than this jetway knows (${MIGRATIONS.length}): upgrade jetway`);
  });

  it("openExisting does not create a state", () => {
    const dir = freshDir();
    expect(() => StateStore.openExisting(join(dir, "none"))).toThrow(/^no jetway state in .*none \(run jetway run first/);
  });

  describe("versions", () => {
    it("keeps check order: the last version a check returns is the latest; known ones move, new ones append", () => {
      const store = StateStore.open(freshDir());
      const p = store.pipelineId("p");
      const r = store.versions.resource(p, "repo", "git", "h1");
      expect(store.versions.saveChecked(r, [{ version: { ref: "a" } }]).map((v) => v.version.ref)).toEqual(["a"]);
      // a check from cursor a returns a first, then newer ones
      expect(store.versions.saveChecked(r, [{ version: { ref: "a" } }, { version: { ref: "b" } }, { version: { ref: "c" } }]).map((v) => v.version.ref)).toEqual(["b", "c"]);
      expect(store.versions.list(r).map((v) => v.version.ref)).toEqual(["a", "b", "c"]);
      // a check from an old pin returns it and what follows: the order among them holds
      store.versions.saveChecked(r, [{ version: { ref: "b" } }, { version: { ref: "c" } }]);
      expect(store.versions.list(r).map((v) => v.version.ref)).toEqual(["a", "b", "c"]);
      expect(store.versions.latest(r)?.version).toEqual({ ref: "c" });
      store.close();
    });

    it("treats versions with the same keys in another order as one version", () => {
      const store = StateStore.open(freshDir());
      const r = store.versions.resource(store.pipelineId("p"), "s3", "s3", "h");
      store.versions.saveChecked(r, [{ version: { path: "x", version_id: "1" } }]);
      expect(store.versions.saveChecked(r, [{ version: { version_id: "1", path: "x" } }])).toEqual([]);
      expect(store.versions.find(r, { version_id: "1", path: "x" })?.version).toEqual({ path: "x", version_id: "1" });
      store.close();
    });

    it("a changed source is a new resource config with its own history; the old versions stay", () => {
      const store = StateStore.open(freshDir());
      const p = store.pipelineId("p");
      const old = store.versions.resource(p, "repo", "git", "source-1");
      store.versions.saveChecked(old, [{ version: { ref: "a" } }]);
      const changed = store.versions.resource(p, "repo", "git", "source-2");
      expect(changed).not.toBe(old);
      expect(store.versions.list(changed)).toEqual([]);
      expect(store.versions.list(old)).toHaveLength(1);
      expect(store.versions.resource(p, "repo", "git", "source-1")).toBe(old);
      store.close();
    });

    it("a put's version is added as the latest, and keeps its place when a check already had it", () => {
      const store = StateStore.open(freshDir());
      const r = store.versions.resource(store.pipelineId("p"), "release", "mock", "h");
      store.versions.saveChecked(r, [{ version: { version: "1" } }, { version: { version: "2" } }]);
      store.versions.saveUnchecked(r, { version: "3" }, [{ name: "by", value: "put" }]);
      store.versions.saveUnchecked(r, { version: "1" }, null);
      expect(store.versions.list(r).map((v) => v.version.version)).toEqual(["1", "2", "3"]);
      expect(store.versions.find(r, { version: "3" })?.metadata).toEqual([{ name: "by", value: "put" }]);
      store.close();
    });
  });

  describe("builds", () => {
    function setup() {
      const store = StateStore.open(freshDir());
      const p = store.pipelineId("p");
      const r = store.versions.resource(p, "src", "mock", "h");
      const [a, b] = store.versions.saveChecked(r, [{ version: { v: "a" } }, { version: { v: "b" } }]);
      const run = store.runs.start(store.owner, "native", "ns");
      return { store, p, r, a: a!, b: b!, run };
    }

    it("numbers builds per job and records their inputs; passed reads only succeeded builds, inputs and outputs", () => {
      const { store, p, r, a, b, run } = setup();
      const one = store.builds.create({ pipelineId: p, job: "unit", runId: run, manual: false, inputs: [{ name: "src", versionId: a.id }] });
      const two = store.builds.create({ pipelineId: p, job: "unit", runId: run, manual: true, inputs: [{ name: "src", versionId: b.id }] });
      const other = store.builds.create({ pipelineId: p, job: "lint", runId: run, manual: false, inputs: [] });
      expect([one.number, two.number, other.number]).toEqual([1, 2, 1]);
      expect(store.builds.countStarted(p, ["unit"])).toBe(2);
      expect(store.builds.countStarted(p, ["unit", "lint"])).toBe(3);
      store.builds.finish(one.id, "succeeded", undefined);
      store.builds.finish(two.id, "failed", "exit status 1");
      const out = store.versions.saveUnchecked(r, { v: "c" }, null);
      store.builds.addOutput(one.id, out.id);
      expect(store.builds.passedBuilds(p, "unit", r)).toEqual(
        new Map([
          [a.id, [one.id]],
          [out.id, [one.id]],
        ]),
      );
      expect(store.builds.usedVersions(p, "unit", "src")).toEqual({ all: new Set([a.id, b.id]), last: b.id });
      expect(store.builds.get(two.id)).toMatchObject({ job: "unit", number: 2, status: "failed", detail: "exit status 1", manual: true, pid: process.pid, host: hostname() });
      // a finished build does not change again
      store.builds.finish(one.id, "errored", "late");
      expect(store.builds.get(one.id)?.status).toBe("succeeded");
      store.close();
    });

    it("keeps steps and log chunks in order; a skipped step is recorded at its end", () => {
      const { store, p, run } = setup();
      const b = store.builds.create({ pipelineId: p, job: "unit", runId: run, manual: false, inputs: [] });
      const task = { id: "plan.0", attempt: 0, kind: "task", name: "t" };
      store.builds.stepStarted(b.id, task, 0, 1000);
      store.builds.log(b.id, 1, task, "stdout", "hel", 1001);
      store.builds.log(b.id, 2, task, "stdout", "lo\n", 1002);
      store.builds.stepFinished(b.id, task, "failed", "exit status 1", 3, 1003);
      store.builds.stepFinished(b.id, { id: "plan.1", attempt: 0, kind: "put", name: "out" }, "skipped", undefined, 4, 1004);
      expect(store.builds.steps(b.id).map((s) => [s.stepId, s.status, s.seq, s.endSeq, s.detail])).toEqual([
        ["plan.0", "failed", 0, 3, "exit status 1"],
        ["plan.1", "skipped", 4, 4, undefined],
      ]);
      expect(store.builds.logs(b.id).map((l) => l.text).join("")).toBe("hello\n");
      store.close();
    });
  });

  describe("runs whose process died", () => {
    it("errors their started builds and steps, keeps finished ones and the versions, and ends the run", () => {
      const dir = freshDir();
      const store = StateStore.open(dir);
      const p = store.pipelineId("p");
      const r = store.versions.resource(p, "src", "mock", "h");
      const [v] = store.versions.saveChecked(r, [{ version: { v: "a" } }]);
      const dead = { pid: deadPid(), host: hostname(), processStart: undefined };
      const deadRun = store.runs.start(dead, "native", "ns-dead");
      const liveRun = store.runs.start(store.owner, "native", "ns-live");
      const lost = store.builds.create({ pipelineId: p, job: "unit", runId: deadRun, manual: false, inputs: [{ name: "src", versionId: v!.id }] });
      const done = store.builds.create({ pipelineId: p, job: "lint", runId: deadRun, manual: false, inputs: [] });
      store.builds.finish(done.id, "succeeded", undefined);
      const mine = store.builds.create({ pipelineId: p, job: "pkg", runId: liveRun, manual: false, inputs: [] });
      store.builds.stepStarted(lost.id, { id: "plan.0", attempt: 0, kind: "task", name: "t" }, 0);

      const recovered = store.runs.recoverDead();
      expect(recovered.map((x) => [x.run.id, x.builds])).toEqual([[deadRun, [{ pipeline: "p", job: "unit", number: 1 }]]]);
      const detail = `jetway process ${dead.pid} on ${hostname()} died while the build ran`;
      expect(store.builds.get(lost.id)).toMatchObject({ status: "errored", detail });
      expect(store.builds.steps(lost.id)[0]).toMatchObject({ status: "errored", detail });
      expect(store.builds.get(done.id)?.status).toBe("succeeded");
      expect(store.builds.get(mine.id)?.status).toBe("started");
      // the version it used is still there, and still counts as used by the job
      expect(store.versions.list(r)).toHaveLength(1);
      expect(store.builds.usedVersions(p, "unit", "src").all.has(v!.id)).toBe(true);
      // once is enough
      expect(store.runs.recoverDead()).toEqual([]);
      store.close();
    });
  });
});

describe("ownerLiveness", () => {
  it("tells a live process from a dead one, a reused pid by its start time, and leaves other hosts alone", () => {
    const me = { pid: process.pid, host: hostname(), processStart: processStart(process.pid) };
    expect(ownerLiveness(me)).toBe("alive");
    expect(ownerLiveness({ ...me, pid: deadPid() })).toBe("dead");
    if (me.processStart !== undefined) expect(ownerLiveness({ ...me, processStart: "1" })).toBe("dead");
    expect(ownerLiveness({ ...me, host: "elsewhere.invalid" })).toBe("unknown");
  });
});

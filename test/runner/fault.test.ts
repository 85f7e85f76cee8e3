/**
 * Faults: the runner killed (SIGKILL) in the middle of a build, then started
 * again on the same state; and two runners on one state at once.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StateStore } from "../../src/state/index.ts";
import { jetway, removeTempDirs, tempDir, until } from "./helpers.ts";

afterAll(removeTempDirs);

const slowPipeline = `
resources:
- name: src
  type: mock
  source: {initial_version: v1}
- name: out
  type: mock
  source: {}
jobs:
- name: slow
  plan:
  - get: src
    trigger: true
  - put: out
    params: {version: made-before-the-kill}
  - task: wait
    config:
      platform: linux
      params: {PIDFILE: ((pidfile)), SECONDS_TO_WAIT: ((sleep))}
      run:
        path: sh
        args: [-ec, 'echo $$ > "$PIDFILE"; echo waiting; exec sleep "$SECONDS_TO_WAIT"']
- name: after
  plan:
  - get: out
    passed: [slow]
    trigger: true
`;

function killQuietly(pidFile: string): void {
  try {
    process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGKILL");
  } catch {
    // already gone
  }
}

describe("the runner killed mid-build", () => {
  it("leaves a build that the next run marks errored, with no version lost; the job can run again", async () => {
    const dir = tempDir("fault");
    const pipeline = join(dir, "fault.yml");
    writeFileSync(pipeline, slowPipeline);
    const pidfile = join(dir, "task.pid");
    const driver = `native?root=${join(dir, "native")}`;
    const args = (sleep: number) => ["--driver", driver, "-v", `pidfile=${pidfile}`, "-v", `sleep=${sleep}`];

    const first = jetway(dir, ["run", pipeline, ...args(600)]);
    try {
      await until(() => first.stdout().includes("slow #1 wait | waiting\n"), 60_000, "the task to start");
      first.child.kill("SIGKILL");
      const killed = await first.done;
      expect(killed.signal).toBe("SIGKILL");
    } finally {
      killQuietly(pidfile);
    }
    const deadPid = first.child.pid!;

    // nothing has looked yet: the build still says it runs, and who runs it
    const before = await jetway(dir, ["builds"]).done;
    expect(before.stdout).toMatch(new RegExp(`^fault +slow #1 +started .* pid ${deadPid} on ${hostname()}$`, "m"));

    // the next run errors it, and does not run it again for the same version
    const second = await jetway(dir, ["run", pipeline, ...args(0)]).done;
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`jetway: build slow #1 of fault errored: its jetway process (pid ${deadPid}) is gone\n`);
    expect(second.stdout).toMatch(/^slow +- +not run +no new versions$/m);
    expect(second.stdout).toMatch(/^after +- +not run +out: no version of out has passed slow$/m);

    const store = StateStore.openExisting(join(dir, ".jetway"));
    try {
      const [build] = store.builds.list({ job: "slow" });
      expect(build).toMatchObject({ number: 1, status: "errored", detail: `jetway process ${deadPid} on ${hostname()} died while the build ran`, pid: deadPid });
      const steps = store.builds.steps(build!.id);
      expect(steps.find((s) => s.name === "wait")).toMatchObject({ kind: "task", status: "errored" });
      expect(steps.find((s) => s.kind === "put")).toMatchObject({ status: "succeeded" });
      // what it fetched and what its put made before the kill are kept
      expect(store.builds.inputs(build!.id).map((i) => [i.name, i.version.version.version])).toEqual([["src", "v1"]]);
      expect(store.builds.outputs(build!.id).map((o) => [o.resource, o.version.version.version])).toEqual([["out", "made-before-the-kill"]]);
      expect(store.builds.logs(build!.id).map((l) => l.text).join("")).toContain("waiting\n");
    } finally {
      store.close();
    }

    // run by hand, it succeeds; then the job downstream takes what it passed
    const manual = await jetway(dir, ["run", pipeline, "--job", "slow", ...args(0)]).done;
    expect(manual.code).toBe(0);
    expect(manual.stdout).toMatch(/^slow +#2 +succeeded/m);
    const third = await jetway(dir, ["run", pipeline, ...args(0)]).done;
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/^after #1 started \(trigger: out\): out \{("privileged":"true",)?"version":"made-before-the-kill"\}$/m);
  }, 120_000);
});

describe("two runners on one state", () => {
  it("neither corrupts it nor runs a build twice", async () => {
    const dir = tempDir("two");
    const log = join(dir, "ran.log");
    const jobs = ["a", "b", "c", "d"];
    const pipeline = join(dir, "two.yml");
    writeFileSync(
      pipeline,
      JSON.stringify({
        resources: [{ name: "src", type: "mock", source: { initial_version: "v1" } }],
        jobs: jobs.map((name) => ({
          name,
          plan: [{ get: "src", trigger: true }, { task: "t", config: { platform: "linux", params: { LOG: log, JOB: name }, run: { path: "sh", args: ["-ec", 'echo "$JOB" >> "$LOG"; sleep 0.5'] } } }],
        })),
      }),
    );
    const driver = `native?root=${join(dir, "native")}`;
    // both start on a state that does not exist yet: they also race to create it
    const [x, y] = await Promise.all([jetway(dir, ["run", pipeline, "--driver", driver]).done, jetway(dir, ["run", pipeline, "--driver", driver]).done]);
    expect([x.code, y.code, x.stderr.replace(/^jetway: native driver: images.*\n/gm, ""), y.stderr]).toEqual([0, 0, "", ""]);
    expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(jobs);
    const started = (out: string) => [...out.matchAll(/^(\S+) #\d+ started/gm)].map((m) => m[1]!);
    expect([...started(x.stdout), ...started(y.stdout)].sort()).toEqual(jobs);

    const store = StateStore.openExisting(join(dir, ".jetway"));
    try {
      const builds = store.builds.list();
      expect(builds.map((b) => `${b.job} #${b.number} ${b.status}`).sort()).toEqual(jobs.map((j) => `${j} #1 succeeded`));
      // both checked src: one stored version, which every build used
      const used = new Set(builds.flatMap((b) => store.builds.inputs(b.id).map((i) => i.version.id)));
      expect(used.size).toBe(1);
      expect(store.versions.list([...builds.flatMap((b) => store.builds.inputs(b.id))][0]!.version.resourceId)).toHaveLength(1);
    } finally {
      store.close();
    }
  }, 120_000);
});

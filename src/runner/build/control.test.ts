/** Hooks, attempts, timeout, abort, in_parallel, do and try, on the real native driver. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, MemoryRecorder, pipeline, shTask, type Harness } from "./testing.ts";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

const ok = (name: string) => ({ task: name, config: shTask(`echo ${name}`) });
const fail = (name: string) => ({ task: name, config: shTask("exit 1") });
const error = (name: string) => ({ task: name, config: { platform: "linux", run: { path: "./no-such-program" } } });

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("hooks", () => {
  it("run by outcome: on_success, on_failure, on_error, and ensure always", async () => {
    const p = pipeline({
      jobs: [
        {
          name: "hooks",
          plan: [
            { ...ok("a"), on_success: ok("a-success"), on_failure: ok("a-failure"), ensure: ok("a-ensure") },
            { try: { ...fail("b"), on_success: ok("b-success"), on_failure: ok("b-failure"), on_error: ok("b-error") } },
            { try: { ...error("c"), on_failure: ok("c-failure"), on_error: ok("c-error"), ensure: ok("c-ensure") } },
          ],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "hooks");
    expect(outcome.status).toBe("succeeded");
    expect(recorder.finished()).toEqual([
      "plan.0 succeeded",
      "plan.0.on_success succeeded",
      "plan.0.ensure succeeded",
      "plan.1.try failed",
      "plan.1.try.on_failure succeeded",
      "plan.1 succeeded",
      "plan.2.try errored",
      "plan.2.try.on_error succeeded",
      "plan.2.try.ensure succeeded",
      "plan.2 succeeded",
    ]);
  });

  it("a failing on_success hook fails the step and triggers its on_failure; a failing ensure fails it too", async () => {
    const p = pipeline({
      jobs: [
        { name: "success-fails", plan: [{ ...ok("a"), on_success: fail("hook"), on_failure: ok("after") }] },
        { name: "ensure-fails", plan: [{ ...ok("a"), ensure: fail("hook") }, ok("never")] },
      ],
    });
    const first = await h.run(p, "success-fails");
    expect(first.outcome).toEqual({ status: "failed", detail: "exit status 1" });
    expect(first.recorder.finished()).toEqual(["plan.0 succeeded", "plan.0.on_success failed", "plan.0.on_failure succeeded"]);
    const second = await h.run(p, "ensure-fails");
    expect(second.outcome.status).toBe("failed");
    expect(second.recorder.finished()).toEqual(["plan.0 succeeded", "plan.0.ensure failed", "plan.1 skipped"]);
  });

  it("job hooks run after the plan, and the failed step's on_failure error makes it errored", async () => {
    const p = pipeline({
      jobs: [
        { name: "job-hooks", plan: [fail("a"), ok("b")], on_failure: ok("job-failure"), on_success: ok("job-success"), ensure: ok("job-ensure") },
        { name: "hook-errors", plan: [{ ...fail("a"), on_failure: error("broken-hook") }] },
      ],
    });
    const { outcome, recorder } = await h.run(p, "job-hooks");
    expect(outcome.status).toBe("failed");
    expect(recorder.finished()).toEqual(["plan.0 failed", "plan.1 skipped", "job.on_failure succeeded", "job.ensure succeeded"]);
    expect(recorder.ref("job.on_failure")).toEqual({ id: "job.on_failure", kind: "task", name: "job-failure" });
    const errored = await h.run(p, "hook-errors");
    expect(errored.outcome.status).toBe("errored");
  });
});

describe("attempts and timeout", () => {
  it("retries a failing step and stops at the first success; hooks run once, after", async () => {
    const p = pipeline({
      resources: [{ name: "state", type: "mock" }],
      jobs: [
        {
          name: "flaky",
          plan: [
            { get: "state" },
            {
              // writes into its input, which is the artifact itself: the second attempt sees the first's mark
              task: "flaky",
              config: shTask('n=$(cat state/tries 2>/dev/null || echo 0); echo $((n+1)) > state/tries; echo "try $((n+1))"; [ "$n" -ge 2 ]', {
                inputs: [{ name: "state" }],
              }),
              attempts: 5,
              on_success: ok("done"),
            },
          ],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "flaky", { inputs: new Map([["state", { version: "1" }]]) });
    expect(outcome.status).toBe("succeeded");
    expect(recorder.finished()).toEqual(["plan.0 succeeded", "plan.1#1 failed", "plan.1#2 failed", "plan.1#3 succeeded", "plan.1.on_success succeeded"]);
    expect(recorder.text("plan.1")).toBe("try 1\ntry 2\ntry 3\n");
  });

  it("gives up after the last attempt, failed", async () => {
    const p = pipeline({ jobs: [{ name: "hopeless", plan: [{ ...fail("x"), attempts: 2 }] }] });
    const { outcome, recorder } = await h.run(p, "hopeless");
    expect(outcome).toEqual({ status: "failed", detail: "exit status 1" });
    expect(recorder.finished()).toEqual(["plan.0#1 failed", "plan.0#2 failed"]);
  });

  it("a timeout stops the process and fails the step (per attempt), running on_failure", async () => {
    const p = pipeline({
      jobs: [
        {
          name: "slow",
          plan: [{ task: "sleep", config: shTask("echo $$; exec sleep 30"), timeout: "300ms", attempts: 2, on_failure: ok("cleanup") }],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "slow");
    expect(outcome).toEqual({ status: "failed", detail: "timed out after 300ms" });
    expect(recorder.finished()).toEqual(["plan.0#1 failed", "plan.0#2 failed", "plan.0.on_failure succeeded"]);
    expect(recorder.result("plan.0", 1)?.detail).toBe("timed out after 300ms");
    const pids = recorder.text("plan.0").trim().split("\n").map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
  });

  it("a timeout on a do interrupts the step running inside it", async () => {
    const p = pipeline({ jobs: [{ name: "slow-do", plan: [{ do: [ok("quick"), { task: "sleep", config: shTask("exec sleep 30") }], timeout: "300ms" }] }] });
    const { outcome, recorder } = await h.run(p, "slow-do");
    expect(outcome.status).toBe("failed");
    expect(recorder.finished()).toEqual(["plan.0.do.0 succeeded", "plan.0.do.1 failed", "plan.0 failed"]);
    expect(recorder.result("plan.0.do.1")?.detail).toBe("timed out after 300ms");
  });
});

describe("abort", () => {
  it("stops the running container, runs on_abort and ensure of the step and the job, and ends aborted", async () => {
    const p = pipeline({
      jobs: [
        {
          name: "long",
          plan: [{ task: "sleep", config: shTask("echo $$; exec sleep 30"), on_abort: ok("step-abort"), ensure: ok("step-ensure"), on_failure: ok("not-this") }, ok("never")],
          on_abort: ok("job-abort"),
          ensure: ok("job-ensure"),
        },
      ],
    });
    const controller = new AbortController();
    const recorder = new MemoryRecorder();
    let pid = 0;
    recorder.onEvent = (event) => {
      if (event.type === "log" && event.step.id === "plan.0" && pid === 0) {
        pid = Number(event.text.trim());
        controller.abort();
      }
    };
    const { outcome } = await h.run(p, "long", { signal: controller.signal, recorder });
    expect(outcome.status).toBe("aborted");
    expect(pid).toBeGreaterThan(0);
    expect(processAlive(pid)).toBe(false);
    expect(recorder.finished()).toEqual([
      "plan.0 aborted",
      "plan.0.on_abort succeeded",
      "plan.0.ensure succeeded",
      "plan.1 skipped",
      "job.on_abort succeeded",
      "job.ensure succeeded",
    ]);
  });

  it("a build aborted before it starts runs nothing but its hooks", async () => {
    const p = pipeline({ jobs: [{ name: "early", plan: [ok("a")], ensure: ok("job-ensure") }] });
    const controller = new AbortController();
    controller.abort();
    const { outcome, recorder } = await h.run(p, "early", { signal: controller.signal });
    expect(outcome.status).toBe("aborted");
    expect(recorder.finished()).toEqual(["plan.0 aborted", "job.ensure succeeded"]);
    expect(recorder.text("plan.0")).toBe("");
  });
});

describe("in_parallel, do, try", () => {
  it("runs the list form at once; the object form's limit bounds how many run together", async () => {
    // each step leaves a mark in a shared folder and waits for the other: only works when both run at once
    const meet = (me: string, other: string) => ({
      task: me,
      config: shTask(`touch shared/${me}; i=0; while [ ! -e shared/${other} ]; do i=$((i+1)); [ $i -lt 200 ] || exit 1; sleep 0.05; done`, {
        inputs: [{ name: "shared" }],
      }),
    });
    const p = pipeline({
      resources: [{ name: "shared", type: "mock" }],
      jobs: [
        { name: "together", plan: [{ get: "shared" }, { in_parallel: [meet("a", "b"), meet("b", "a")] }] },
        {
          name: "one-at-a-time",
          plan: [{ get: "shared" }, { in_parallel: { limit: 1, steps: [{ ...meet("c", "d"), timeout: "500ms" }, { task: "d", config: shTask("true") }] } }],
        },
      ],
    });
    const inputs = new Map([["shared", { version: "1" }]]);
    const together = await h.run(p, "together", { inputs });
    expect(together.outcome.status).toBe("succeeded");
    expect(together.recorder.finished()).toContain("plan.1.in_parallel.1 succeeded");
    const serial = await h.run(p, "one-at-a-time", { inputs });
    // c waits for d, which the limit holds back until c gives up
    expect(serial.recorder.finished()).toEqual(["plan.0 succeeded", "plan.1.in_parallel.0 failed", "plan.1.in_parallel.1 succeeded", "plan.1 failed"]);
  });

  it("fail_fast interrupts running steps and skips pending ones; the result is the failure", async () => {
    const p = pipeline({
      jobs: [
        {
          name: "fast",
          plan: [{ in_parallel: { limit: 2, fail_fast: true, steps: [{ task: "slow", config: shTask("exec sleep 30") }, fail("quick"), ok("pending")] } }],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "fast");
    expect(outcome).toEqual({ status: "failed", detail: "exit status 1" });
    expect(recorder.result("plan.0.in_parallel.0")?.status).toBe("aborted");
    expect(recorder.result("plan.0.in_parallel.1")?.status).toBe("failed");
    expect(recorder.result("plan.0.in_parallel.2")?.status).toBe("skipped");
    expect(recorder.ref("plan.0.in_parallel.2")).toBeUndefined();
  });

  it("without fail_fast every step runs; an error outranks a failure", async () => {
    const p = pipeline({ jobs: [{ name: "all", plan: [{ in_parallel: [fail("f"), error("e"), ok("o")] }] }] });
    const { outcome, recorder } = await h.run(p, "all");
    expect(outcome.status).toBe("errored");
    expect(recorder.result("plan.0.in_parallel.2")?.status).toBe("succeeded");
  });

  it("do stops at its first failure; try turns a failure into success", async () => {
    const p = pipeline({ jobs: [{ name: "seq", plan: [{ try: { do: [ok("a"), fail("b"), ok("c")] } }, ok("after")] }] });
    const { outcome, recorder } = await h.run(p, "seq");
    expect(outcome.status).toBe("succeeded");
    expect(recorder.finished()).toEqual([
      "plan.0.try.do.0 succeeded",
      "plan.0.try.do.1 failed",
      "plan.0.try.do.2 skipped",
      "plan.0.try failed",
      "plan.0 succeeded",
      "plan.1 succeeded",
    ]);
    expect(recorder.ref("plan.0.try")).toEqual({ id: "plan.0.try", kind: "do", name: "do" });
  });
});

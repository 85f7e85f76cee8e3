/** across with local vars, load_var, and task files with vars, on the real native driver. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, pipeline, shTask, type Harness } from "./testing.ts";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

describe("across", () => {
  it("runs the step once per combination, filling ((.:var)) in its config", async () => {
    const p = pipeline({
      jobs: [
        {
          name: "matrix",
          plan: [
            {
              task: "test-((.:os))",
              config: shTask('echo "$OS/$VERSION"'),
              params: { OS: "((.:os))", VERSION: "v((.:go.major)).((.:go.minor))" },
              across: [
                { var: "os", values: ["linux", "darwin"] },
                { var: "go", values: [{ major: 1, minor: 21 }, { major: 1, minor: 22 }], max_in_flight: "all" },
              ],
            },
          ],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "matrix");
    expect(outcome.status).toBe("succeeded");
    const iterations = [0, 1, 2, 3].map((i) => ({ ref: recorder.ref(`plan.0.across.${i}`), out: recorder.text(`plan.0.across.${i}`) }));
    expect(iterations).toEqual([
      { ref: { id: "plan.0.across.0", kind: "task", name: "test-linux", values: { os: "linux", go: { major: 1, minor: 21 } } }, out: "linux/v1.21\n" },
      { ref: { id: "plan.0.across.1", kind: "task", name: "test-linux", values: { os: "linux", go: { major: 1, minor: 22 } } }, out: "linux/v1.22\n" },
      { ref: { id: "plan.0.across.2", kind: "task", name: "test-darwin", values: { os: "darwin", go: { major: 1, minor: 21 } } }, out: "darwin/v1.21\n" },
      { ref: { id: "plan.0.across.3", kind: "task", name: "test-darwin", values: { os: "darwin", go: { major: 1, minor: 22 } } }, out: "darwin/v1.22\n" },
    ]);
    expect(recorder.ref("plan.0")).toEqual({ id: "plan.0", kind: "across", name: "test-((.:os))" });
    expect(recorder.result("plan.0")?.status).toBe("succeeded");
  });

  it("with max_in_flight 1 the iterations run in order; fail_fast stops after the first failure", async () => {
    const p = pipeline({
      jobs: [
        {
          name: "stop-early",
          plan: [{ task: "t", config: shTask('echo "$N"; [ "$N" != 2 ]'), params: { N: "((.:n))" }, across: [{ var: "n", values: [1, 2, 3] }], fail_fast: true }],
        },
        {
          name: "keep-going",
          plan: [{ task: "t", config: shTask('[ "$N" != 2 ]'), params: { N: "((.:n))" }, across: [{ var: "n", values: [1, 2, 3] }], on_failure: { task: "h", config: shTask("true") } }],
        },
      ],
    });
    const early = await h.run(p, "stop-early");
    expect(early.outcome.status).toBe("failed");
    expect(early.recorder.finished()).toEqual(["plan.0.across.0 succeeded", "plan.0.across.1 failed", "plan.0 failed"]);
    const going = await h.run(p, "keep-going");
    expect(going.recorder.finished()).toEqual(["plan.0.across.0 succeeded", "plan.0.across.1 failed", "plan.0.across.2 succeeded", "plan.0 failed", "plan.0.on_failure succeeded"]);
  });

  it("max_in_flight lets iterations run together", async () => {
    // each iteration marks a shared folder and waits for the other's mark: only works when both run at once
    const p = pipeline({
      resources: [{ name: "shared", type: "mock" }],
      jobs: [
        {
          name: "together",
          plan: [
            { get: "shared" },
            {
              task: "meet",
              config: shTask('touch shared/$ME; i=0; while [ ! -e shared/$OTHER ]; do i=$((i+1)); [ $i -lt 200 ] || exit 1; sleep 0.05; done', { inputs: [{ name: "shared" }] }),
              params: { ME: "((.:pair.me))", OTHER: "((.:pair.other))" },
              across: [{ var: "pair", values: [{ me: "a", other: "b" }, { me: "b", other: "a" }], max_in_flight: 2 }],
            },
          ],
        },
      ],
    });
    const { outcome, recorder } = await h.run(p, "together", { inputs: new Map([["shared", { version: "1" }]]) });
    expect(outcome.status).toBe("succeeded");
    expect(recorder.result("plan.1.across.1")?.status).toBe("succeeded");
  });

  it("keeps what an iteration makes to the iteration: artifacts and local vars", async () => {
    const p = pipeline({
      jobs: [
        {
          name: "scoped",
          plan: [
            { task: "make", config: shTask("echo $X > out/x", { outputs: [{ name: "out" }] }), params: { X: "((.:x))" }, across: [{ var: "x", values: ["a"] }] },
            { task: "use", config: shTask("true", { inputs: [{ name: "out" }] }) },
          ],
        },
      ],
    });
    const { outcome } = await h.run(p, "scoped");
    expect(outcome).toEqual({ status: "errored", detail: "task use: missing inputs: out" });
  });

  it("an undefined local var is an error naming it", async () => {
    const p = pipeline({ jobs: [{ name: "undefined", plan: [{ task: "t", config: shTask("true"), params: { X: "((.:nope))" } }] }] });
    const { outcome } = await h.run(p, "undefined");
    expect(outcome).toEqual({ status: "errored", detail: "step plan.0 (task t): undefined var ((.:nope))" });
  });
});

describe("load_var", () => {
  const files = {
    "list.json": '["x", "y"]',
    "conf.yml": "name: widget\nsize: 3\n",
    "padded.txt": "  spaced  \n",
    "data.bin": "raw text\n",
  };
  const p = pipeline({
    resources: [{ name: "data", type: "mock", source: { create_files: files } }],
    jobs: [
      {
        name: "load",
        plan: [
          { get: "data" },
          { in_parallel: [
            { load_var: "list", file: "data/list.json" },
            { load_var: "conf", file: "data/conf.yml" },
            { load_var: "padded", file: "data/padded.txt" },
            { load_var: "rawest", file: "data/padded.txt", format: "raw" },
            { load_var: "json-as-text", file: "data/list.json", format: "trim" },
          ] },
          {
            task: "show",
            config: shTask('printf "%s|%s|%s|[%s]|[%s]|%s\\n" "$NAME" "$SIZE" "$CONF" "$PADDED" "$RAWEST" "$TEXT"'),
            params: { NAME: "((.:conf.name))", SIZE: "((.:conf.size))", CONF: "((.:conf))", PADDED: "((.:padded))", RAWEST: "((.:rawest))", TEXT: "((.:json-as-text))" },
          },
          { task: "each-((.:item))", config: shTask('echo "item $ITEM"'), params: { ITEM: "((.:item))" }, across: [{ var: "item", values: "((.:list))" }] },
        ],
      },
      { name: "missing-file", plan: [{ get: "data" }, { load_var: "v", file: "data/nope.json" }] },
      { name: "bad-json", plan: [{ get: "data" }, { load_var: "v", file: "data/conf.yml", format: "json" }] },
    ],
  });
  const inputs = new Map([["data", { version: "1" }]]);

  it("reads json, yaml, trimmed and raw files into local vars, usable whole, by field and as across values", async () => {
    const { outcome, recorder } = await h.run(p, "load", { inputs });
    expect(outcome.status).toBe("succeeded");
    // a map as a whole param becomes JSON, as other non-string params do
    expect(recorder.text("plan.2")).toBe('widget|3|{"name":"widget","size":3}|[spaced]|[  spaced  \n]|["x", "y"]\n');
    expect(recorder.text("plan.3.across.0")).toBe("item x\n");
    expect(recorder.text("plan.3.across.1")).toBe("item y\n");
    expect(recorder.ref("plan.3.across.1")?.name).toBe("each-y");
  });

  it("a missing file or a file that is not of its format is an error", async () => {
    const missing = await h.run(p, "missing-file", { inputs });
    expect(missing.outcome).toEqual({ status: "errored", detail: "load_var v: file: data/nope.json: no such file" });
    const bad = await h.run(p, "bad-json", { inputs });
    expect(bad.outcome.status).toBe("errored");
    expect(bad.outcome.detail).toMatch(/^load_var v: data\/conf\.yml is not JSON: /);
  });
});

describe("task files", () => {
  const taskFile = [
    "platform: linux",
    "inputs: [{name: ci}]",
    "params: {PATH: /usr/bin:/bin, GREETING: ((greeting)), TARGET: default}",
    "run:",
    "  path: sh",
    '  args: ["-ec", "echo \\"$GREETING $TARGET ((punctuation))\\""]',
    "",
  ].join("\n");
  const p = pipeline({
    resources: [{ name: "ci", type: "mock", source: { create_files: { "task.yml": taskFile, "broken.yml": "platform: linux\nrun: {args: [x]}\n" } } }],
    jobs: [
      { name: "from-file", plan: [{ get: "ci" }, { task: "greet", file: "ci/task.yml", vars: { greeting: "hello" }, params: { TARGET: "world" } }] },
      { name: "undefined-var", plan: [{ get: "ci" }, { task: "greet", file: "ci/task.yml", vars: { greeting: "hi" } }] },
      { name: "invalid", plan: [{ get: "ci" }, { task: "broken", file: "ci/broken.yml" }] },
      { name: "no-artifact", plan: [{ task: "x", file: "elsewhere/task.yml" }] },
    ],
  });
  const inputs = new Map([["ci", { version: "1" }]]);

  it("reads the config from an artifact, fills its vars from the step's vars and then the run's, step params win", async () => {
    const { outcome, recorder } = await h.run(p, "from-file", { inputs, vars: { punctuation: "!" } });
    expect(outcome.status).toBe("succeeded");
    expect(recorder.text("plan.1")).toBe("hello world !\n");
  });

  it("an undefined var, an invalid config or an unknown artifact is an error saying where", async () => {
    const undefinedVar = await h.run(p, "undefined-var", { inputs });
    expect(undefinedVar.outcome).toEqual({ status: "errored", detail: "task greet: ci/task.yml: undefined var ((punctuation))" });
    const invalid = await h.run(p, "invalid", { inputs });
    expect(invalid.outcome).toEqual({ status: "errored", detail: "task broken: ci/broken.yml: run.path: Invalid input: expected string, received undefined" });
    const noArtifact = await h.run(p, "no-artifact");
    expect(noArtifact.outcome).toEqual({ status: "errored", detail: "task x: file: unknown artifact source: elsewhere" });
  });
});

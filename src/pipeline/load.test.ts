import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { loadPipeline } from "./load.ts";
import { formatProblem, pipelineError } from "./problems.ts";
import { parseVarRef } from "./var-ref.ts";
import { Vars } from "./vars.ts";

const registry = createDefaultRegistry();
const natives = registry.list().map((t) => t.name).join(", ");
const problems = (yaml: string, vars?: Vars) => loadPipeline(yaml, { registry, ...(vars && { vars }) }).problems.map(formatProblem);

/** A pipeline around some jobs, with a mock resource `m` and a time resource `t`. */
const withJobs = (jobs: string) => `resources:
- name: m
  type: mock
  source: {}
- name: t
  type: time
  source: {interval: 1h}
jobs:
${jobs}`;

describe("loadPipeline", () => {
  it("returns the typed pipeline when there is nothing wrong", () => {
    const r = loadPipeline(withJobs("- name: j\n  plan:\n  - get: m\n    trigger: true\n  - put: t\n"), { registry });
    expect(r.problems).toEqual([]);
    expect(r.pipeline?.jobs?.[0]?.plan).toEqual([{ get: "m", trigger: true }, { put: "t" }]);
    expect(r.pipeline?.resources?.map((x) => x.name)).toEqual(["m", "t"]);
  });

  it("reads a key with nothing after it as absent, as Go does, except in source and params", () => {
    const yaml = "groups:\nresources:\n- name: m\n  type: mock\n  icon: ~\n  source: {create_files: {a.txt: null}}\njobs:\n- name: j\n  plan:\n  - get: m\n    trigger:\n";
    const r = loadPipeline(yaml, { registry });
    expect(r.problems).toEqual([]);
    expect(r.pipeline).toEqual({
      resources: [{ name: "m", type: "mock", source: { create_files: { "a.txt": null } } }],
      jobs: [{ name: "j", plan: [{ get: "m" }] }],
    });
  });

  it("reports YAML errors with their line", () => {
    expect(problems("jobs:\n- name: a\n  plan: [\n")).toEqual([
      "(top level) (line 4): YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
    expect(problems("")).toEqual(["(top level) (line 1): the pipeline is empty"]);
    expect(problems("- a\n")).toEqual(["(top level) (line 1): a pipeline is a map of resources, resource_types, jobs, groups, var_sources and display"]);
  });

  it("reports unknown keys at the key, and every one of them", () => {
    expect(problems(withJobs("- name: j\n  serail: true\n  plan:\n  - get: m\n    triger: true\nbogus: 1\n"))).toEqual([
      "jobs[0].serail (line 10): unknown key",
      "jobs[0].plan[0].triger (line 13): unknown key",
      "bogus (line 14): unknown key",
    ]);
  });

  it("reports wrong types and missing keys", () => {
    expect(problems(withJobs("- name: j\n  max_in_flight: lots\n  plan:\n  - get: m\n    trigger: 1\n    attempts: 0\n  - task: x\n    config: {platform: linux, run: {}}\n- plan: []\n"))).toEqual([
      'jobs[0].max_in_flight (line 10): must be a number, not the string "lots"',
      "jobs[0].plan[0].trigger (line 13): must be true or false, not the number 1",
      "jobs[0].plan[0].attempts (line 14): must be greater than 0",
      "jobs[0].plan[1].config.run.path (line 16): is required",
      "jobs[1].name (line 17): is required",
    ]);
  });

  it("reports a step with no action or with two, and fail_fast without across", () => {
    expect(problems(withJobs("- name: j\n  plan:\n  - gett: m\n  - get: m\n    put: m\n  - get: t\n    fail_fast: true\n"))).toEqual([
      "jobs[0].plan[0] (line 11): a step needs one of get, put, task, set_pipeline, load_var, in_parallel, do, try (this one has gett)",
      "jobs[0].plan[1] (line 12): a step has one action, this one has get and put",
      "jobs[0].plan[2].fail_fast (line 15): fail_fast applies to across; this step has no across",
    ]);
  });

  it("names the alternatives of a union that matches none", () => {
    expect(problems(withJobs("- name: j\n  plan:\n  - get: m\n    version: sometimes\n  - put: t\n    inputs: some\n"))).toEqual([
      'jobs[0].plan[0].version (line 12): must be "latest", "every" or a map, not the string "sometimes"',
      'jobs[0].plan[1].inputs (line 14): must be "all", "detect" or a list, not the string "some"',
    ]);
  });

  it("reports steps nested in do, try, in_parallel and hooks at their own path", () => {
    const jobs = `- name: j
  plan:
  - in_parallel:
      steps:
      - do:
        - try:
            get: m
            triger: true
  - get: t
    on_failure:
      put: t
      no_gett: true
  ensure:
    task: x
`;
    expect(problems(withJobs(jobs))).toEqual([
      "jobs[0].plan[0].in_parallel.steps[0].do[0].try.triger (line 16): unknown key",
      "jobs[0].plan[1].on_failure.no_gett (line 20): unknown key",
      "jobs[0].ensure (line 21): a task needs a config or a file",
    ]);
  });

  it("reports vars without a value, and checks the rest as if they were there", () => {
    const yaml = withJobs("- name: j\n  plan:\n  - get: m\n    trigger: ((trigger))\n    params: {create_files_via_params: ((files))}\n");
    expect(problems(yaml)).toEqual([
      'jobs[0].plan[0].trigger (line 12): ((trigger)): no value for var "trigger" (give it with -v, -y or -l)',
      'jobs[0].plan[0].params.create_files_via_params (line 13): ((files)): no value for var "files" (give it with -v, -y or -l)',
    ]);
    const vars = new Vars([
      { origin: "-y", ref: parseVarRef("trigger")!, value: true },
      { origin: "-y", ref: parseVarRef("files")!, value: { "a.txt": "x" } },
    ]);
    expect(problems(yaml, vars)).toEqual([]);
    const wrong = new Vars([
      { origin: "-v", ref: parseVarRef("trigger")!, value: "true" },
      { origin: "-y", ref: parseVarRef("files")!, value: { "a.txt": "x" } },
    ]);
    expect(problems(yaml, wrong)).toEqual(['jobs[0].plan[0].trigger (line 12): must be true or false, not the string "true"']);
  });

  it("reports get, put and passed naming what does not exist", () => {
    const jobs = `- name: a
  plan:
  - get: nope
  - put: out
    resource: gone
  - get: m
    passed: [ghost, b]
- name: b
  plan:
  - get: t
`;
    expect(problems(withJobs(jobs))).toEqual([
      'jobs[0].plan[0].get (line 11): get refers to resource "nope", which is not defined in resources',
      'jobs[0].plan[1].resource (line 13): put refers to resource "gone", which is not defined in resources',
      'jobs[0].plan[2].passed[0] (line 15): passed refers to job "ghost", which is not defined in jobs',
      'jobs[0].plan[2].passed[1] (line 15): passed refers to job "b", which does not get or put resource "m"',
    ]);
  });

  it("reports cycles in passed, each once", () => {
    const jobs = `- name: a
  plan:
  - get: m
    passed: [c]
- name: b
  plan:
  - get: m
    passed: [a]
- name: c
  plan:
  - get: m
    passed: [b]
- name: self
  plan:
  - get: t
    passed: [self]
`;
    expect(problems(withJobs(jobs))).toEqual([
      'jobs[1].plan[0].passed[0] (line 16): passed constraints form a cycle: "b" -> "c" -> "a" -> "b"',
      'jobs[3].plan[0].passed[0] (line 24): job "self" lists itself in passed: a job can only take versions that passed jobs upstream of it',
    ]);
  });

  it("accepts fan-in and fan-out through passed", () => {
    const jobs = `- name: unit
  plan: [{get: m, trigger: true}]
- name: lint
  plan: [{get: m, trigger: true}]
- name: ship
  plan: [{get: m, passed: [unit, lint], trigger: true}, {get: t}]
- name: smoke
  plan: [{get: m, passed: [ship]}, {get: t, passed: [ship]}]
`;
    expect(problems(withJobs(jobs))).toEqual([]);
  });

  it("reports duplicate names, pointing at the first", () => {
    const yaml = `resources:
- {name: m, type: mock, source: {}}
- {name: m, type: mock, source: {}}
jobs:
- name: j
  plan: [{get: m}, {get: m}]
- name: j
  plan: []
`;
    expect(problems(yaml)).toEqual([
      'resources[1].name (line 3): resource "m" is defined twice (first at resources[0], line 2)',
      'jobs[0].plan[1].get (line 6): this job already has a get named "m" (at jobs[0].plan[0])',
      'jobs[1].name (line 7): job "j" is defined twice (first at jobs[0], line 5)',
    ]);
  });

  it("reports groups naming unknown jobs and jobs in no group", () => {
    const yaml = withJobs("- name: build\n  plan: []\n- name: deploy-a\n  plan: []\n- name: lonely\n  plan: []\ngroups:\n- name: all\n  jobs: [build, deploy-*, nope, x-*]\n");
    expect(problems(yaml)).toEqual([
      'jobs[2].name (line 13): job "lonely" belongs to no group',
      'groups[0].jobs[2] (line 17): group "all" lists job "nope", which is not defined in jobs',
      'groups[0].jobs[3] (line 17): group "all" lists job "x-*", which matches no job',
    ]);
  });

  it("reports tasks with both or neither of config and file", () => {
    const jobs = `- name: j
  plan:
  - get: m
  - task: none
  - task: both
    file: m/task.yml
    config: {platform: linux, run: {path: "true"}}
`;
    expect(problems(withJobs(jobs))).toEqual([
      "jobs[0].plan[1] (line 12): a task needs a config or a file",
      "jobs[0].plan[2].file (line 14): a task takes config or file, not both",
    ]);
  });

  it("reports artifacts used before any step makes them", () => {
    const jobs = `- name: j
  plan:
  - get: m
  - task: build
    image: img
    input_mapping: {src: m, extra: gone}
    output_mapping: {out: built}
    config:
      platform: linux
      inputs: [{name: src}, {name: cache, optional: true}, {name: missing}]
      outputs: [{name: out}]
      run: {path: make}
  - put: t
    inputs: [built, out]
  - load_var: v
    file: nowhere/v.txt
  - task: from-file
    file: built/task.yml
  - task: anything-goes-after-a-file-task
    file: unknown/task.yml
`;
    expect(problems(withJobs(jobs))).toEqual([
      `jobs[0].plan[1].image (line 13): no earlier step makes an artifact named "img", needed as the task's image (available: "m")`,
      `jobs[0].plan[1].input_mapping.extra (line 14): input_mapping names "extra", which is not one of the task's inputs`,
      `jobs[0].plan[1].config.inputs[2].name (line 18): no earlier step makes an artifact named "missing", needed as a task input (available: "m")`,
      `jobs[0].plan[2].inputs[1] (line 22): no earlier step makes an artifact named "out", needed as a put input (available: "built", "m")`,
      `jobs[0].plan[3].file (line 24): no earlier step makes an artifact named "nowhere", needed as the artifact load_var reads (available: "built", "m", "t")`,
    ]);
  });

  it("lets in_parallel branches use only what was there before, and later steps use all they made", () => {
    const jobs = `- name: j
  plan:
  - in_parallel:
    - get: m
    - task: early
      config: {platform: linux, inputs: [{name: m}], run: {path: x}}
  - task: late
    config: {platform: linux, inputs: [{name: m}, {name: t}], run: {path: x}}
`;
    expect(problems(withJobs(jobs))).toEqual([
      `jobs[0].plan[0].in_parallel[1].config.inputs[0].name (line 14): no earlier step makes an artifact named "m", needed as a task input (available: none yet)`,
      `jobs[0].plan[1].config.inputs[1].name (line 16): no earlier step makes an artifact named "t", needed as a task input (available: "m")`,
    ]);
  });
});

describe("resource types", () => {
  it("reports an undeclared type that is not native, and native: required on one that is not", () => {
    const yaml = `resource_types:
- {name: slack, type: registry-image, source: {repository: x}}
resources:
- {name: a, type: nope, source: {}}
- {name: b, type: slack, native: required, source: {}}
- {name: c, type: slack, source: {anything: goes}}
`;
    expect(problems(yaml)).toEqual([
      `resources[0].type (line 4): type "nope" is neither a native type (${natives}) nor declared in resource_types`,
      `resources[1].native (line 5): native: required, but jetway has no native "slack" type (native types: ${natives})`,
    ]);
  });

  it("checks a native resource's source against the type's schema, every problem at its key", () => {
    const yaml = `resources:
- name: m
  type: mock
  source:
    force_version: 1
    mirror: true
- name: t
  type: time
  source:
    interval: 5 minutes
    days: [Funday]
`;
    expect(problems(yaml)).toEqual([
      "resources[0].source.force_version (line 5): must be a string, not the number 1",
      "resources[0].source.mirror (line 6): unknown key",
      "resources[1].source.interval (line 10): not a Go duration",
      "resources[1].source.days[0] (line 11): not a weekday",
    ]);
  });

  it("checks a native source the way the type decodes it, in the type's words", () => {
    const yaml = `resources:
- {name: t, type: time, source: {start: 9AM}}
- {name: m, type: mock, source: {check_delay: soon}}
- {name: g, type: git, source: {branch: main}}
- {name: h, type: git, source: {uri: "gopher://x/y"}}
`;
    expect(problems(yaml)).toEqual([
      "resources[0].source (line 2): running command: must configure 'stop' if 'start' is set",
      'resources[1].source.check_delay (line 3): malformed check_delay duration: time: invalid duration "soon"',
      "resources[2].source (line 4): source.uri is required and must not be empty",
      "resources[3].source (line 5): the gopher:// protocol is not supported natively; use http(s)://, ssh://, user@host:path or a local path, or the upstream concourse/git-resource image",
    ]);
  });

  it("checks get params, put params and get_params of native resources", () => {
    const yaml = `resources:
- {name: m, type: mock, source: {}}
- {name: g, type: git, source: {uri: /tmp/repo}}
jobs:
- name: j
  plan:
  - get: m
    params: {create_files: {}}
  - get: g
    params: {depht: 1}
  - put: m
    params: {}
    get_params: {mirror_self_via_params: true}
  - put: g
    params: {rebase: true}
`;
    expect(problems(yaml)).toEqual([
      "jobs[0].plan[0].params.create_files (line 8): unknown key",
      "jobs[0].plan[1].params.depht (line 10): unknown key",
      "jobs[0].plan[2].params (line 12): no version specified: set params.version or params.file",
      "jobs[0].plan[2].get_params.mirror_self_via_params (line 13): mirror_self_via_params is not supported natively; use the upstream concourse/mock-resource image (native: false)",
      "jobs[0].plan[3].params (line 15): invalid payload (missing branch)",
    ]);
  });

  it("reports a decoding problem at every place that repeats it, and only where the source has it", () => {
    const yaml = `resources:
- {name: t1, type: time, source: {start: 9AM}}
- {name: t2, type: time, source: {start: 9AM}}
- {name: g, type: git, source: {uri: /tmp/repo}}
- {name: gb, type: git, source: {uri: /tmp/repo, branch: main}}
jobs:
- name: a
  plan:
  - put: g
    params: {repository: r, rebase: true}
  - put: gb
    params: {repository: r, rebase: true}
- name: b
  plan:
  - put: g
    params: {repository: r, rebase: true}
`;
    expect(problems(yaml)).toEqual([
      "resources[0].source (line 2): running command: must configure 'stop' if 'start' is set",
      "resources[1].source (line 3): running command: must configure 'stop' if 'start' is set",
      "jobs[0].plan[0].params (line 10): invalid payload (missing branch)",
      "jobs[1].plan[0].params (line 16): invalid payload (missing branch)",
    ]);
  });

  it("skips source and params checks for resources that do not run natively", () => {
    const yaml = `resource_types:
- {name: time, type: registry-image, source: {repository: concourse/time-resource}}
resources:
- {name: t, type: time, source: {interval: whenever}}
- {name: m, type: mock, native: false, source: {bogus: 1}}
jobs:
- name: j
  plan: [{get: t}, {put: m, params: {nothing: here}}]
`;
    expect(problems(yaml)).toEqual([]);
  });

  it("applies a resource type's defaults under the source when native is forced", () => {
    const yaml = `resource_types:
- {name: time, type: registry-image, source: {repository: concourse/time-resource}, defaults: {interval: whenever}}
resources:
- {name: t, type: time, native: true, source: {location: UTC}}
`;
    expect(problems(yaml)).toEqual(["resources[0].source.interval (line 4): not a Go duration"]);
  });

  it("leaves local vars in params to the runner", () => {
    const yaml = withJobs("- name: j\n  plan:\n  - load_var: v\n    file: m/v\n  - put: m\n    params: {version: ((.:v))}\n");
    expect(problems(yaml.replace("jobs:\n", "jobs:\n- name: first\n  plan: [{get: m}]\n").replace("- name: j\n  plan:\n", "- name: j\n  plan:\n  - get: m\n"))).toEqual([]);
  });
});

describe("secrets", () => {
  it("never shows a secret-looking value in a message", () => {
    const yaml = `resources:
- name: g
  type: git
  webhook_token: 12345678
  source: {uri: "https://example.com/r.git", private_key: "((key))", username: ((user))}
`;
    const vars = new Vars([
      { origin: "-v", ref: parseVarRef("key")!, value: "-----BEGIN KEY-----" },
      { origin: "-y", ref: parseVarRef("user")!, value: ["alice"] },
      { origin: "-v", ref: parseVarRef("api_token")!, value: "tok-abcdef" },
    ]);
    expect(problems(yaml, vars)).toEqual([
      "resources[0].webhook_token (line 4): must be a string, not a number",
      "resources[0].source.username (line 5): must be a string, a number or true or false, not a list",
    ]);
    const leak = "jobs:\n- name: j\n  plan:\n  - task: t\n    file: ((api_token))/x.yml\n";
    expect(problems(leak, vars)).toEqual([
      'jobs[0].plan[0].file (line 5): no earlier step makes an artifact named "[redacted]", needed as the artifact of the task\'s file (available: none yet)',
    ]);
  });
});

describe("pipelineError", () => {
  it("summarises on one line and lists every problem on stderr", () => {
    const found = loadPipeline("jobs:\n- name: j\n  plan: [{get: x}]\n  bogus: 1\n", { registry }).problems;
    const err = pipelineError("p.yml", found);
    expect(err.code).toBe("PIPELINE_INVALID");
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('p.yml: 2 problems; first: jobs[0].plan[0].get (line 3): get refers to resource "x", which is not defined in resources');
    expect(err.stderr).toBe(
      'p.yml: 2 problems\njobs[0].plan[0].get (line 3): get refers to resource "x", which is not defined in resources\njobs[0].bogus (line 4): unknown key',
    );
  });
});

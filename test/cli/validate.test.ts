/** `jetway validate`, the built binary, on the pipelines in test/pipelines and examples/. */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../golden/harness.ts";
import { runProcess } from "../golden/host-paths.ts";

const jetway = (...args: string[]) => runProcess(process.execPath, [join(repoRoot, "dist/cli/jetway.js"), ...args], "", {});
const pipelines = (name: string) => join(repoRoot, "test/pipelines", name);
const rel = (name: string) => `test/pipelines/${name}`;
const inRepo = (...args: string[]) =>
  runProcess("/bin/sh", ["-c", `cd "${repoRoot}" && exec "$0" "$@"`, process.execPath, join(repoRoot, "dist/cli/jetway.js"), ...args], "", {});

let natives = "";
beforeAll(async () => {
  const list = await jetway("resource", "list");
  natives = list.stdout.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0]).join(", ");
});

describe("jetway validate", () => {
  it("accepts the example pipeline the README runs", async () => {
    const r = await inRepo("validate", "examples/pipeline.yml");
    expect(r).toMatchObject({ exitCode: 0, stderr: "", stdout: "examples/pipeline.yml: OK (3 resources, 2 jobs)\n" });
  });

  it("accepts every step kind once its vars are given by -l, -v and source:name", async () => {
    const r = await jetway("validate", pipelines("valid/all-steps.yml"), "-l", pipelines("valid/vars.yml"), "-v", "branch=main", "--var", "vault:slack-url=https://hooks.example.com");
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    expect(r.stdout).toBe(`${pipelines("valid/all-steps.yml")}: OK (4 resources, 2 jobs)\n`);
  });

  it("lists every problem with its path and line, and exits 1 with nothing on stdout", async () => {
    const r = await inRepo("validate", rel("invalid/every-problem.yml"));
    expect(r.stdout).toBe("");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      [
        "test/pipelines/invalid/every-problem.yml: 17 problems",
        'resources[0].source.uri (line 7): ((repo-uri)): no value for var "repo-uri" (give it with -v, -y or -l)',
        "resources[0].source.brnch (line 8): unknown key",
        "resources[1].source.interval (line 11): not a Go duration",
        'resources[2].name (line 12): resource "tick" is defined twice (first at resources[1], line 9)',
        "resources[2].source (line 14): running command: must configure 'stop' if 'start' is set",
        `resources[4].type (line 19): type "slack" is neither a native type (${natives}) nor declared in resource_types`,
        "jobs[0].serail (line 24): unknown key",
        'jobs[0].plan[1].get (line 29): get refers to resource "nowhere", which is not defined in resources',
        'jobs[0].plan[2].config.inputs[1].name (line 33): no earlier step makes an artifact named "toolchain", needed as a task input (available: "nowhere", "repo")',
        "jobs[0].plan[3].params.versoin (line 36): unknown key",
        'jobs[1].name (line 37): job "deploy" belongs to no group',
        'jobs[1].plan[0].passed[0] (line 40): passed constraints form a cycle: "deploy" -> "build" -> "deploy"',
        'jobs[1].plan[1].passed[0] (line 42): passed refers to job "ghost", which is not defined in jobs',
        'jobs[1].plan[1].version (line 43): must be "latest", "every" or a map, not the string "sometimes"',
        'jobs[1].plan[2].file (line 45): no earlier step makes an artifact named "ci", needed as the artifact of the task\'s file (available: "box", "repo")',
        "jobs[1].plan[2].timeout (line 46): not a duration such as 30s, 5m or 1h30m",
        "jobs[1].plan[3] (line 47): a step needs one of get, put, task, set_pipeline, load_var, in_parallel, do, try (this one has gett)",
        "",
      ].join("\n"),
    );
  });

  it("reports a YAML syntax error at its line", async () => {
    const r = await inRepo("validate", rel("invalid/syntax.yml"));
    expect(r).toMatchObject({ exitCode: 1, stdout: "" });
    expect(r.stderr).toBe(
      "test/pipelines/invalid/syntax.yml: 1 problem\n(top level) (line 5): YAML: Flow map in block collection must be sufficiently indented and end with a }\n",
    );
  });

  it("reports missing vars, then takes them as strings (-v) or typed (-y), flags over files", async () => {
    const missing = await inRepo("validate", rel("invalid/vars-only.yml"));
    expect(missing).toMatchObject({ exitCode: 1, stdout: "" });
    expect(missing.stderr).toBe(
      [
        "test/pipelines/invalid/vars-only.yml: 3 problems",
        'resources[0].source.initial_version (line 5): ((version)): no value for var "version" (give it with -v, -y or -l)',
        'resources[0].source.create_files (line 6): ((files)): no value for var "files" (give it with -v, -y or -l)',
        'jobs[0].plan[0].trigger (line 11): ((trigger)): no value for var "trigger" (give it with -v, -y or -l)',
        "",
      ].join("\n"),
    );

    const typed = await inRepo("validate", rel("invalid/vars-only.yml"), "-v", "version=1.0", "-y", "files={a.txt: hi}", "-y", "trigger=true");
    expect(typed).toMatchObject({ exitCode: 0, stderr: "", stdout: "test/pipelines/invalid/vars-only.yml: OK (1 resource, 1 job)\n" });

    const strings = await inRepo("validate", rel("invalid/vars-only.yml"), "-v", "version=1.0", "-v", "files=x", "-v", "trigger=true");
    expect(strings.exitCode).toBe(1);
    expect(strings.stderr).toBe(
      [
        "test/pipelines/invalid/vars-only.yml: 2 problems",
        'resources[0].source.create_files (line 6): must be a map, not the string "x"',
        'jobs[0].plan[0].trigger (line 11): must be true or false, not the string "true"',
        "",
      ].join("\n"),
    );
  });

  it("refuses bad usage with one line and exit 2", async () => {
    const cases: [string[], string][] = [
      [["validate"], "jetway: validate: name the pipeline file: jetway validate pipeline.yml\n"],
      [["validate", "a.yml", "b.yml"], "jetway: validate: one pipeline file at a time (got 2)\n"],
      [["validate", "a.yml", "--strict"], 'jetway: validate: unknown option "--strict"; see jetway validate --help\n'],
      [["validate", "missing.yml"], "jetway: cannot read pipeline missing.yml: no such file\n"],
      [["validate", "examples/pipeline.yml", "-v", "novalue"], 'jetway: -v "novalue": expected NAME=VALUE with a var name such as name, name.field or source:name\n'],
      [["validate", "examples/pipeline.yml", "-l", "nope.yml"], "jetway: -l nope.yml: cannot read the vars file: no such file\n"],
      [["validate", "examples/pipeline.yml", "-y"], "jetway: -y needs a value (NAME=YAML)\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = await inRepo(...args);
      expect(r, args.join(" ")).toMatchObject({ exitCode: 2, stdout: "", stderr });
    }
  });

  it("prints its help", async () => {
    const r = await jetway("validate", "--help");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: jetway validate <pipeline.yml>/);
    expect((await jetway("--help")).stdout).toContain("validate <pipeline.yml>");
  });
});

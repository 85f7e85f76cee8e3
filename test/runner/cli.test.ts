/** Bad input to run, watch, builds and logs: one line naming the cause, a non-zero exit, nothing on stdout. */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jetway, removeTempDirs, tempDir } from "./helpers.ts";

afterAll(removeTempDirs);

const valid = "resources: []\njobs:\n- name: only\n  plan:\n  - task: t\n    config: {platform: linux, run: {path: 'true'}}\n";

async function fails(args: string[], stderr: string, code: number, setup?: (dir: string) => void): Promise<string> {
  const dir = tempDir("cli");
  setup?.(dir);
  const r = await jetway(dir, args).done;
  expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code, stdout: "", stderr });
  return dir;
}

describe("run and watch: bad input", () => {
  it("names the pipeline file, rejects unknown options and missing values", async () => {
    await fails(["run"], "jetway: run: name the pipeline file: jetway run pipeline.yml\n", 2);
    await fails(["watch", "a.yml", "b.yml"], "jetway: watch: one pipeline file at a time (got 2)\n", 2);
    await fails(["run", "p.yml", "--bogus"], 'jetway: run: unknown option "--bogus"; see jetway run --help\n', 2);
    await fails(["run", "p.yml", "--job"], "jetway: run: --job needs a value\n", 2);
    await fails(["watch", "p.yml", "--job", "x"], 'jetway: watch: unknown option "--job"; see jetway watch --help\n', 2);
    await fails(["run", "missing.yml"], "jetway: cannot read pipeline missing.yml: no such file\n", 2);
  });

  it("an invalid pipeline is reported as validate reports it, and nothing runs or is stored", async () => {
    const dir = await fails(["run", "p.yml"], "p.yml: 1 problem\njobs[0].plan[0].get (line 5): get refers to resource \"nope\", which is not defined in resources\n", 1, (d) =>
      writeFileSync(join(d, "p.yml"), "resources: []\njobs:\n- name: j\n  plan:\n  - get: nope\n"),
    );
    expect(existsSync(join(dir, ".jetway"))).toBe(false);
  });

  it("an unknown job or driver: one line, and no state is made", async () => {
    const write = (d: string) => writeFileSync(join(d, "p.yml"), valid);
    const a = await fails(["run", "p.yml", "--job", "other"], 'jetway: no job named "other" in the pipeline (jobs: only)\n', 2, write);
    const b = await fails(["run", "p.yml", "--driver", "bogus"], 'jetway: unknown driver "bogus" (known: docker, k8s, native)\n', 1, write);
    expect([existsSync(join(a, ".jetway")), existsSync(join(b, ".jetway"))]).toEqual([false, false]);
  });

  it("a var without a value names the var", async () => {
    await fails(["run", "p.yml"], 'p.yml: 1 problem\njobs[0].plan[0].config.params.X (line 1): ((x)): no value for var "x" (give it with -v, -y or -l)\n', 1, (d) =>
      writeFileSync(join(d, "p.yml"), '{"jobs": [{"name": "j", "plan": [{"task": "t", "config": {"platform": "linux", "params": {"X": "((x))"}, "run": {"path": "true"}}}]}]}'),
    );
  });
});

describe("builds and logs: bad input", () => {
  it("without a state they say so instead of making one", async () => {
    const dir = await fails(["builds"], "jetway: no jetway state in .jetway (run jetway run first, or point --state at the right dir)\n", 2);
    await fails(["logs", "j", "--state", "elsewhere"], "jetway: no jetway state in elsewhere (run jetway run first, or point --state at the right dir)\n", 2);
    expect(existsSync(join(dir, ".jetway"))).toBe(false);
  });

  it("check their arguments", async () => {
    await fails(["logs"], "jetway: logs: name the job, and optionally the build: jetway logs JOB [BUILD]\n", 2);
    await fails(["logs", "j", "x"], 'jetway: logs: BUILD must be a build number such as 3 (got "x")\n', 2);
    await fails(["builds", "-n", "0"], 'jetway: builds: --count must be a positive whole number (got "0")\n', 2);
    await fails(["builds", "extra"], 'jetway: builds: unexpected "extra"; see jetway builds --help\n', 2);
  });

  it("name a job or build that is not there", async () => {
    const dir = tempDir("cli-logs");
    writeFileSync(join(dir, "p.yml"), valid);
    const run = await jetway(dir, ["run", "p.yml", "--driver", `native?root=${join(dir, "native")}`]).done;
    expect(run.code).toBe(0);
    const none = await jetway(dir, ["logs", "other"]).done;
    expect([none.code, none.stdout, none.stderr]).toEqual([2, "", 'jetway: logs: no builds of job "other"; see jetway builds\n']);
    const missing = await jetway(dir, ["logs", "only", "7"]).done;
    expect([missing.code, missing.stdout, missing.stderr]).toEqual([2, "", 'jetway: logs: job "only" has no build 7 (latest: 1)\n']);
    const ok = await jetway(dir, ["logs", "only", "#1"]).done;
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^only #1 started \(scheduled\) .*\nonly #1 task t\nonly #1 task t: succeeded \(\S+\)\nonly #1 succeeded in \S+\n$/);
  });
});

describe("help", () => {
  it("every new command has its help, and the main help lists them", async () => {
    const dir = tempDir("help");
    for (const [cmd, first] of [
      ["run", "Usage: jetway run <pipeline.yml>"],
      ["watch", "Usage: jetway watch <pipeline.yml>"],
      ["builds", "Usage: jetway builds"],
      ["logs", "Usage: jetway logs <job>"],
    ] as const) {
      const r = await jetway(dir, [cmd, "--help"]).done;
      expect([r.code, r.stdout.startsWith(first), r.stderr]).toEqual([0, true, ""]);
    }
    const main = await jetway(dir, ["--help"]).done;
    for (const cmd of ["run <pipeline.yml>", "watch <pipeline.yml>", "builds", "logs <job> [build]"]) expect(main.stdout).toContain(`  ${cmd}`);
  });
});

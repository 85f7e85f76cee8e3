/**
 * Every pipeline in examples/ run by the built CLI, as a user runs it: in a
 * fresh directory (so the state is .jetway there), then read back with
 * `jetway builds` and `jetway logs`. The native driver for all of them, plus
 * hello-world on the Docker driver.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitCli, gitCliService } from "../support/git-servers.ts";
import { createTestBucket, deleteTestBucket, readRgwEnv, rgwClient, rgwService, type RgwEnv } from "../support/rgw.ts";
import { describeWithService } from "../support/services.ts";
import { dockerService, ensureShellImage, TEST_SHELL_IMAGE } from "../orchestra/docker-target.ts";
import { repoRoot } from "../golden/harness.ts";
import { jetway, removeTempDirs, tempDir, until } from "./helpers.ts";

afterAll(removeTempDirs);

const example = (name: string) => join(repoRoot, "examples", name);

/** A fresh directory and a native driver root inside it. */
function place(label: string) {
  const dir = tempDir(label);
  return { dir, driver: `native?root=${join(dir, "native")}` };
}

/** The summary table's rows, as [job, build, status]. */
function summary(stdout: string): string[][] {
  const lines = stdout.split("\n");
  const header = lines.findIndex((l) => /^job +build +status/.test(l));
  return lines
    .slice(header + 1)
    .filter((l) => l.trim() !== "")
    .map((l) => l.split(/ {2,}/).slice(0, 3));
}

describe("examples on the native driver", () => {
  it("the README's first set-up command runs hello-world (the run below is that command's)", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const first = /```sh\n(.*)\n```/.exec(readme)?.[1];
    expect(first).toBe("npm ci && npm run build && npm run --silent jetway -- run examples/hello-world.yml");
  });

  it("hello-world: the time trigger runs the task; builds and logs read it back; a second run finds nothing due", async () => {
    const { dir, driver } = place("hello");
    const r = await jetway(dir, ["run", example("hello-world.yml"), "--driver", driver]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("hello #1 say-hello | hello, world\n");
    expect(r.stdout).toMatch(/^hello #1 say-hello \| triggered by the interval that started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/m);
    expect(summary(r.stdout)).toEqual([["hello", "#1", "succeeded"]]);
    expect(r.stderr).toBe("jetway: native driver: images are not used; tasks run on this host (first: busybox:latest)\n");

    const builds = await jetway(dir, ["builds"]).done;
    expect(builds.code).toBe(0);
    expect(builds.stdout.split("\n")[1]).toMatch(/^hello-world +hello #1 +succeeded +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d/);

    const logs = await jetway(dir, ["logs", "hello"]).done;
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("hello #1 task say-hello\nhello #1 say-hello | hello, world\n");
    expect(logs.stdout).toMatch(/hello #1 succeeded in \S+\n$/);

    // the same minute: the time resource has no new version (a new minute may have begun; then it runs again)
    const again = await jetway(dir, ["run", example("hello-world.yml"), "--driver", driver]).done;
    expect(again.code).toBe(0);
    expect([[["hello", "-", "not run"]], [["hello", "#2", "succeeded"]]]).toContainEqual(summary(again.stdout));
  });

  it("hello-world under watch: runs on the first check, and SIGTERM ends it cleanly with the summary", async () => {
    const { dir, driver } = place("watch");
    const w = jetway(dir, ["watch", example("hello-world.yml"), "--driver", driver]);
    await until(() => /^hello #1 succeeded in/m.test(w.stdout()), 60_000, "the first build");
    w.child.kill("SIGTERM");
    const r = await w.done;
    expect(r.code).toBe(130);
    expect(summary(r.stdout)[0]).toEqual(["hello", "#1", "succeeded"]);
    const builds = await jetway(dir, ["builds"]).done;
    expect(builds.stdout).toMatch(/^hello-world +hello #1 +succeeded /m);
    expect(builds.stdout).not.toMatch(/^\S+ +\S+ #\d+ +started /m);
  });

  it("pipeline.yml: time and mock in, task, put, and a job downstream by passed", async () => {
    const { dir, driver } = place("pipeline");
    const r = await jetway(dir, ["run", example("pipeline.yml"), "--driver", driver]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("build #1 greet | hello, jetway\n");
    const made = /^build #1 put release: created \{"privileged":"true","version":"(build-\d+)"\}$/m.exec(r.stdout) ?? /^build #1 put release: created \{"version":"(build-\d+)"\}$/m.exec(r.stdout);
    expect(made).not.toBeNull();
    expect(r.stdout).toContain(`announce #1 show | released ${made![1]}\n`);
    expect(summary(r.stdout)).toEqual([
      ["build", "#1", "succeeded"],
      ["announce", "#1", "succeeded"],
    ]);
  });

  it("fan-in-fan-out: unit and lint fan out, package fans in from the same lint build, deploy follows", async () => {
    const { dir, driver } = place("fan");
    const r = await jetway(dir, ["run", example("fan-in-fan-out.yml"), "--driver", driver]).done;
    expect(r.code).toBe(0);
    // unit and lint run side by side: the table lists builds as they end
    expect(summary(r.stdout).sort()).toEqual([
      ["deploy", "#1", "succeeded"],
      ["lint", "#1", "succeeded"],
      ["package", "#1", "succeeded"],
      ["unit", "#1", "succeeded"],
    ]);
    const at = (line: string) => r.stdout.indexOf(line);
    // package starts only after both of its upstream jobs finished, deploy after package
    expect(at("package #1 started")).toBeGreaterThan(at("unit #1 succeeded"));
    expect(at("package #1 started")).toBeGreaterThan(at("lint #1 succeeded"));
    expect(at("deploy #1 started")).toBeGreaterThan(at("package #1 succeeded"));
    expect(r.stdout).toContain("package #1 package | packaged app-1.0\n");
    expect(r.stdout).toContain("deploy #1 deploy | deploying app-1.0 with 3 replicas\n");
    // a second run: nothing new anywhere
    const again = await jetway(dir, ["run", example("fan-in-fan-out.yml"), "--driver", driver]).done;
    expect(again.code).toBe(0);
    expect(summary(again.stdout).map((row) => row[2])).toEqual(["not run", "not run", "not run", "not run"]);
  });
});

await describeWithService(gitCliService, "the git example (task commits with the git CLI)", () => {
  it("git-round-trip: gets main, commits onto release in a task, pushes it, and verify gets it by passed", async () => {
    const { dir, driver } = place("git");
    const bare = join(dir, "example.git");
    gitSetup(bare);
    const main = gitCli(bare, ["rev-parse", "--short", "main"]).trim();
    const r = await jetway(dir, ["run", example("git-round-trip.yml"), "--driver", driver, "-v", `repo-uri=file://${bare}`]).done;
    expect(r.stderr).not.toContain("error");
    expect(r.code).toBe(0);
    expect(summary(r.stdout)).toEqual([
      ["record", "#1", "succeeded"],
      ["verify", "#1", "succeeded"],
    ]);
    const release = gitCli(bare, ["log", "--format=%s", "release"]).trim().split("\n");
    expect(release).toEqual([`record ${main}`, "first commit"]);
    const pushed = gitCli(bare, ["rev-parse", "release"]).trim();
    expect(r.stdout).toContain(`record #1 put release: created {"ref":"${pushed}"}`);
    expect(r.stdout).toContain(`verify #1 started (trigger: release): release {"ref":"${pushed}"}`);
    expect(r.stdout).toContain(`verify #1 show-log | built main at ${main}\n`);
  });
});

/** examples/git-round-trip-setup.sh, as the example's comment says to run it. */
function gitSetup(bare: string): void {
  const r = spawnSyncChecked("bash", [example("git-round-trip-setup.sh"), bare]);
  expect(r).toBe(`made ${bare} (branches main and release)\n`);
}

function spawnSyncChecked(command: string, args: string[]): string {
  const r = spawnSync(command, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tempDir("home"), GIT_CONFIG_NOSYSTEM: "1" } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

await describeWithService(rgwService, "the s3 example against Ceph RGW", () => {
  let env: RgwEnv;
  let bucket: string;
  beforeAll(async () => {
    env = await readRgwEnv();
    bucket = await createTestBucket(rgwClient(env), "example");
  });
  afterAll(async () => {
    if (bucket !== undefined) await deleteTestBucket(rgwClient(env), bucket);
  });

  it("s3-round-trip: upload runs first (never ran), its put triggers download, the secret key never shows", async () => {
    const { dir, driver } = place("s3");
    const vars = ["-v", `s3-endpoint=${env.endpoint}`, "-v", `s3-region=${env.region}`, "-v", `bucket=${bucket}`, "-v", `s3-access-key-id=${env.accessKeyId}`, "-v", `s3-secret-access-key=${env.secretAccessKey}`];
    const r = await jetway(dir, ["run", example("s3-round-trip.yml"), "--driver", driver, ...vars]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("check artifact: 0 new versions");
    expect(r.stdout).toContain("upload #1 started (first run)");
    const key = /^upload #1 put artifact: created \{"path":"(jetway-example\/app-\d+\.txt)"\}$/m.exec(r.stdout);
    expect(key).not.toBeNull();
    expect(r.stdout).toContain(`download #1 started (trigger: artifact): artifact {"path":"${key![1]}"}`);
    expect(r.stdout).toMatch(/^download #1 show \| built at \d+$/m);
    expect(summary(r.stdout)).toEqual([
      ["upload", "#1", "succeeded"],
      ["download", "#1", "succeeded"],
    ]);
    expect(r.stdout + r.stderr).not.toContain(env.secretAccessKey);
    const logs = await jetway(dir, ["logs", "download"]).done;
    expect(logs.stdout).not.toContain(env.secretAccessKey);
  });
});

await describeWithService(dockerService, "hello-world on the docker driver", () => {
  beforeAll(ensureShellImage, 300_000);

  it("runs the task in a container from the local test image, with the get's files bind-mounted", async () => {
    const { dir } = place("docker");
    const pipeline = join(dir, "hello-world.yml");
    // no registry is reachable here: the task's image is the local test busybox
    writeFileSync(pipeline, readFileSync(example("hello-world.yml"), "utf8").replace("{repository: busybox}", `{repository: ${TEST_SHELL_IMAGE.split(":")[0]}}`));
    const driver = `docker?volumes=host&root=${encodeURIComponent(join(dir, "docker"))}`;
    const r = await jetway(dir, ["run", pipeline, "--driver", driver]).done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("hello #1 say-hello | hello, world\n");
    expect(r.stdout).toMatch(/^hello #1 say-hello \| triggered by the interval that started \d{4}-/m);
    expect(summary(r.stdout)).toEqual([["hello", "#1", "succeeded"]]);
  }, 120_000);
});

/**
 * The executor's flags through `jetway run` (the CLI from source, as a child
 * process) on the docker driver: --no-native-resources runs a native type's
 * check and get in its jetway image, --delivery mounted delivers the bundle,
 * and the run log says per resource how it ran and why.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../golden/harness.ts";
import { TEST_SHELL_IMAGE, dockerService, ensureShellImage } from "../orchestra/docker-target.ts";
import { describeWithService } from "../support/services.ts";

const PIPELINE = `
resources:
- name: greeting
  type: mock
  source:
    initial_version: "7"
    create_files: {hello.txt: "hello from the get\\n"}
jobs:
- name: show
  plan:
  - get: greeting
    trigger: true
  - task: cat
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: ${TEST_SHELL_IMAGE.split(":")[0]}}}
      inputs: [{name: greeting}]
      run: {path: cat, args: [greeting/hello.txt]}
`;

const OTHER_NODE_IMAGE = "jetway/test-node-renamed:24";

function jetway(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "src/cli/jetway.ts"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

await describeWithService(dockerService, "jetway run with the executor's flags (docker)", () => {
  let dir: string;
  beforeAll(async () => {
    await ensureShellImage();
    dir = await mkdtemp(join(tmpdir(), "jetway-executor-run-"));
    await writeFile(join(dir, "pipeline.yml"), PIPELINE);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const driver = () => `--driver=docker?volumes=host&root=${join(dir, "volumes")}`;

  it("--no-native-resources: check and get run jetway's mock image, and the log says so", { timeout: 180_000 }, async () => {
    const run = await jetway(["run", "pipeline.yml", driver(), "--state", join(dir, "state-image"), "--no-native-resources"], dir);
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("hello from the get");
    expect(run.stdout).toContain("ran image jetway/mock-resource:latest on docker (--no-native-resources; jetway's image for the native mock type)");
  });

  it("--delivery mounted: the bundle is mounted into a node container", { timeout: 180_000 }, async () => {
    const run = await jetway(["run", "pipeline.yml", driver(), "--state", join(dir, "state-mounted"), "--delivery", "mounted"], dir);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("hello from the get");
    expect(run.stdout).toContain("ran native, bundle mounted into jetway/node-base:24 on docker (mock is native; --delivery mounted)");
  });

  it("--node-image: the mounted bundle runs in the image named", { timeout: 180_000 }, async () => {
    // another name for the node base: the log and the run prove which image was used
    await new Docker().getImage("jetway/node-base:24").tag({ repo: OTHER_NODE_IMAGE.split(":")[0]!, tag: OTHER_NODE_IMAGE.split(":")[1]! });
    try {
      const run = await jetway(["run", "pipeline.yml", driver(), "--state", join(dir, "state-node-image"), "--delivery=mounted", "--node-image", OTHER_NODE_IMAGE], dir);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain("hello from the get");
      expect(run.stdout).toContain(`ran native, bundle mounted into ${OTHER_NODE_IMAGE} on docker (mock is native; --delivery mounted)`);
    } finally {
      await new Docker().getImage(OTHER_NODE_IMAGE).remove().catch(() => undefined);
    }
  });

  it("a bad --delivery is one usage line, nothing run", async () => {
    const run = await jetway(["run", "pipeline.yml", "--delivery", "fastest"], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('jetway: --delivery must be one of auto, in-process, mounted, sidecar, init, not "fastest"\n');
  });
});

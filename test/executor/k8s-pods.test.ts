/**
 * The pods the k8s strategies make, as the API fake receives them, and what
 * they do when its kubelet runs them: sidecar (one jetway container sharing
 * the step's volume) and init (an init container copying jetway into an
 * emptyDir, the step's node container running it). The fake checks every pod
 * body against its strict schema, so a field it was not taught fails here.
 */
import { mkdtempSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { NativeFirstExecutor, type DeliveryChoice } from "../../src/executor/index.ts";
import { claimName } from "../../src/orchestra/k8s/index.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { FAKE_JETWAY_IMAGE, FAKE_NODE_IMAGE, k8sFake, snapshotDist } from "./drivers.ts";

const dist = mkdtempSync(join(tmpdir(), "jetway-executor-dist-"));
const cli = join(dist, "cli", "jetway.js");
let k8s: Awaited<ReturnType<typeof k8sFake>>;

beforeAll(async () => {
  await snapshotDist(dist);
  k8s = await k8sFake();
});
afterAll(async () => {
  await k8s?.close();
  await rm(dist, { recursive: true, force: true });
});

function executor(delivery: DeliveryChoice, jetwayCli = cli): NativeFirstExecutor {
  return new NativeFirstExecutor({ registry: createDefaultRegistry(), delivery, jetwayImage: FAKE_JETWAY_IMAGE, nodeImage: FAKE_NODE_IMAGE, jetwayCli });
}

/** The pod bodies the driver created since `from`. */
function podsSince(from: number): any[] {
  return k8s.fake.requests.slice(from).filter((r) => r.method === "POST" && r.path.endsWith("/pods")).map((r) => r.body);
}

async function mockIn(delivery: DeliveryChoice, jetwayCli?: string) {
  const volume = await k8s.driver.createVolume(`get-${delivery}-${Math.random().toString(36).slice(2, 8)}`);
  const from = k8s.fake.requests.length;
  let stderr = "";
  const result = await executor(delivery, jetwayCli).run(
    {
      op: "in",
      resourceName: "m",
      type: "mock",
      request: { source: { create_files: { "a.txt": "from the pod\n" } }, version: { version: "7" } },
      volume,
      env: { BUILD_NAME: "3" },
      stderr: (t) => (stderr += t),
    },
    k8s.driver,
  );
  return { result, stderr, volume, pods: podsSince(from) };
}

describe("k8s strategies against the API fake", () => {
  it("auto picks sidecar for a get on k8s (no host folders, no binds), and in-process for a check", async () => {
    const auto = executor("auto");
    const volume = await k8s.driver.createVolume("auto-get");
    const get = await auto.run(
      { op: "in", resourceName: "m", type: "mock", request: { source: {}, version: { version: "1" } }, volume, env: {}, stderr: () => undefined },
      k8s.driver,
    );
    expect(get.how).toBe(`native, jetway container ${FAKE_JETWAY_IMAGE} in the step's pod on k8s`);
    expect(get.why).toBe(
      "mock is native; sidecar is the cheapest delivery here (in-process: the k8s driver's volumes have no host folder; mounted: the k8s driver cannot bind-mount host folders)",
    );
    const check = await auto.run({ op: "check", resourceName: "t", type: "time", request: { source: {} }, env: {}, stderr: () => undefined }, k8s.driver);
    expect(check.how).toBe("native, in-process");
  });

  it("sidecar: one jetway container running `jetway resource`, the volume at /tmp/build/get, the request on stdin", async () => {
    const { result, stderr, volume, pods } = await mockIn("sidecar");
    expect(result.response).toEqual({ version: { version: "7" }, metadata: null });
    expect(stderr).toContain("fetching version: 7");
    expect(await readFile(join(await k8s.volumeDir(volume), "a.txt"), "utf8")).toBe("from the pod\n");
    expect(pods).toHaveLength(1);
    const spec = pods[0].spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.volumes).toEqual([{ name: "volume-0", persistentVolumeClaim: { claimName: claimName(k8s.driver.namespace, volume.name) } }]);
    expect(spec.containers).toEqual([
      {
        name: "task",
        image: FAKE_JETWAY_IMAGE,
        command: ["node", cli, "resource", "mock", "in", "get"],
        env: [{ name: "BUILD_NAME", value: "3" }],
        workingDir: "/tmp/build",
        stdin: true,
        stdinOnce: true,
        volumeMounts: [{ name: "volume-0", mountPath: "/tmp/build/get" }],
      },
    ]);
  });

  it("init: an init container copies the CLI's folder (entry, chunks, package.json) into an emptyDir; the node container runs it from there", async () => {
    const { result, volume, pods } = await mockIn("init");
    expect(result.response).toEqual({ version: { version: "7" }, metadata: null });
    expect(await readFile(join(await k8s.volumeDir(volume), "a.txt"), "utf8")).toBe("from the pod\n");
    expect(pods).toHaveLength(1);
    const spec = pods[0].spec;
    expect(spec.volumes).toEqual([
      { name: "volume-0", emptyDir: {} },
      { name: "volume-1", persistentVolumeClaim: { claimName: claimName(k8s.driver.namespace, volume.name) } },
    ]);
    expect(spec.initContainers).toEqual([
      {
        name: "jetway-install",
        image: FAKE_JETWAY_IMAGE,
        command: [
          "node",
          "-e",
          'const fs = require("node:fs"); const [cli, to] = process.argv.slice(1); fs.accessSync(cli); ' +
            'fs.cpSync(require("node:path").dirname(cli), to, { recursive: true, dereference: true })',
          cli,
          ".jetway",
        ],
        workingDir: "/tmp/build",
        volumeMounts: [{ name: "volume-0", mountPath: "/tmp/build/.jetway" }],
      },
    ]);
    expect(spec.containers).toHaveLength(1);
    expect(spec.containers[0]).toMatchObject({
      name: "task",
      image: FAKE_NODE_IMAGE,
      command: ["node", ".jetway/jetway.js", "resource", "mock", "in", "get"],
      workingDir: "/tmp/build",
      volumeMounts: [
        { name: "volume-0", mountPath: "/tmp/build/.jetway", readOnly: true },
        { name: "volume-1", mountPath: "/tmp/build/get" },
      ],
    });
    // the scratch volume is the pod's own: no claim was made for it
    const claimed = k8s.fake.cluster.claimsIn("jetway-test", {}).map((c) => c.body.metadata.annotations?.["io.jetway.volume-name"]);
    expect(claimed).toContain(volume.name);
    expect(claimed.filter((name) => name?.endsWith("/jetway"))).toEqual([]);
  });

  it("init: an init container that fails is one line naming it, not a pod left pending", async () => {
    const error = await mockIn("init", join(dist, "cli", "no-such-file.js")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJetwayError(error) && error.code).toBe("DRIVER_FAILED");
    expect((error as Error).message).toMatch(/^m: in could not run \(native, copied by an init container .*\): k8s driver: task ".*": init container jetway-install exited 1$/);
  });

  it("--delivery mounted cannot reach k8s: an error naming why, nothing created", async () => {
    const from = k8s.fake.requests.length;
    const volume = await k8s.driver.createVolume("mounted-get");
    const error = await executor("mounted")
      .run({ op: "in", resourceName: "m", type: "mock", request: { source: {} }, volume, env: {}, stderr: () => undefined }, k8s.driver)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as Error).message).toBe("m: --delivery mounted cannot run its in: the k8s driver cannot bind-mount host folders");
    expect(podsSince(from)).toEqual([]);
  });
});

/**
 * What the delivery strategies ask of drivers beyond plain tasks: host binds
 * (docker, read-only) and pod parts (k8s init containers and scratch volumes).
 * A driver without the feature refuses the task in one line rather than run it
 * without them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriver, validateTask } from "../../src/orchestra/index.ts";
import type { Driver, Task } from "../../src/orchestra/types.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { TEST_SHELL_IMAGE, dockerService, ensureShellImage } from "../orchestra/docker-target.ts";
import { describeWithService } from "../support/services.ts";
import { uniqueNamespace } from "./drivers.ts";

function refusal(task: Task, driver: string, features = {}): string {
  try {
    validateTask(task, driver, features);
  } catch (e) {
    if (isJetwayError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  return "accepted";
}

const base: Task = { id: "t", image: "i", command: ["true"] };

describe("validateTask and driver features", () => {
  it("binds need hostBinds, init containers and scratch volumes need pods", () => {
    expect(refusal({ ...base, binds: [{ hostPath: "/opt/x", path: "/x" }] }, "k8s", { pods: true })).toBe(
      'INVALID_CONFIG k8s driver: task "t": binds need a driver that can bind-mount host folders (docker)',
    );
    expect(refusal({ ...base, initContainers: [{ name: "a", image: "i", command: ["true"] }] }, "docker", { hostBinds: true })).toBe(
      'INVALID_CONFIG docker driver: task "t": initContainers need a driver that runs pods (k8s)',
    );
    expect(refusal({ ...base, scratchVolumes: ["s"] }, "native")).toBe('INVALID_CONFIG native driver: task "t": scratchVolumes need a driver that runs pods (k8s)');
    expect(refusal({ ...base, binds: [{ hostPath: "/opt/x", path: "/x" }] }, "docker", { hostBinds: true })).toBe("accepted");
  });

  it("bad binds and init containers are named by key; a bind and a mount at one path are refused", () => {
    expect(refusal({ ...base, binds: [{ hostPath: "relative", path: "/x" }] }, "docker", { hostBinds: true })).toBe(
      'INVALID_CONFIG docker driver: task "t": binds.0.hostPath: must be an absolute path',
    );
    expect(refusal({ ...base, initContainers: [{ name: "Bad_Name", image: "i", command: ["true"] }] }, "k8s", { pods: true })).toBe(
      'INVALID_CONFIG k8s driver: task "t": initContainers.0.name: must be a DNS label',
    );
    const clash: Task = { ...base, mounts: [{ volume: "v", path: "/x" }], binds: [{ hostPath: "/opt/x", path: "/x" }] };
    expect(refusal(clash, "docker", { hostBinds: true })).toBe('INVALID_CONFIG docker driver: task "t": two mounts at /x');
  });

  it("drivers say what they offer", async () => {
    const root = await mkdtemp(join(tmpdir(), "jetway-features-"));
    const native = await createDriver(`native?root=${encodeURIComponent(root)}`, { namespace: uniqueNamespace("features") });
    try {
      expect(native.features ?? {}).toEqual({});
    } finally {
      await native.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

await describeWithService(dockerService, "docker driver: host binds", () => {
  let driver: Driver;
  let folder: string;
  beforeAll(async () => {
    await ensureShellImage();
    driver = await createDriver("docker", { namespace: uniqueNamespace("binds") });
    folder = await mkdtemp(join(tmpdir(), "jetway-bind-"));
    await writeFile(join(folder, "hello"), "from the host\n");
  });
  afterAll(async () => {
    await driver?.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function run(script: string): Promise<{ exitCode: number | undefined; out: string }> {
    const container = await driver.runContainer({ id: `bind-${Math.random().toString(36).slice(2, 8)}`, image: TEST_SHELL_IMAGE, command: ["sh", "-c", script], binds: [{ hostPath: folder, path: "/opt/bound" }] });
    let out = "";
    await container.logs((c) => (out += Buffer.from(c).toString()), (c) => (out += Buffer.from(c).toString()), { follow: true });
    const status = await container.status();
    await container.cleanup();
    return { exitCode: status.exitCode, out };
  }

  it("a bind shows the host folder, read-only", async () => {
    expect(driver.features).toEqual({ hostBinds: true });
    expect(await run("cat /opt/bound/hello")).toEqual({ exitCode: 0, out: "from the host\n" });
    const write = await run("echo x > /opt/bound/new");
    expect(write.exitCode).not.toBe(0);
    expect(write.out).toMatch(/Read-only file system/);
  });

  it("a bind source that is not a folder on this host is one line naming it", async () => {
    const error = await driver.runContainer({ id: "bind-missing", image: TEST_SHELL_IMAGE, command: ["true"], binds: [{ hostPath: "/no/such/folder", path: "/x" }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('docker driver: task "bind-missing": bind source /no/such/folder is not a folder on this host');
  });
});

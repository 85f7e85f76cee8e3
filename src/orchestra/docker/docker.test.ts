/** What only the Docker driver does: labels and names, limits and users mapped, adoption, pulls. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { docker, followProgress } from "../../../images/lib.ts";
import { dockerService, ensureShellImage, TEST_SHELL_IMAGE } from "../../../test/orchestra/docker-target.ts";
import { collectLogs, runToEnd, uniqueNamespace } from "../../../test/orchestra/helpers.ts";
import { describeWithService, type ServiceProbe } from "../../../test/support/services.ts";
import { createDriver } from "../index.ts";
import { NAMESPACE_LABEL, TASK_LABEL, VOLUME_LABEL } from "../names.ts";
import type { Driver, Task } from "../types.ts";
import type { DockerContainer } from "./container.ts";

const REGISTRY = process.env.JETWAY_TEST_REGISTRY ?? "127.0.0.1:5000";
const registryService: ServiceProbe = {
  name: "registry",
  async probe() {
    try {
      const res = await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(3000) });
      return res.ok ? true : `http://${REGISTRY}/v2/ answered ${res.status}`;
    } catch (e) {
      return `no registry at ${REGISTRY} (${e instanceof Error ? e.message : String(e)}); run .ci/services/registry.sh`;
    }
  },
};

const open: Driver[] = [];
let root: string;

async function driver(spec = "docker", namespace = uniqueNamespace("dk")): Promise<Driver> {
  const d = await createDriver(spec, { namespace });
  open.push(d);
  return d;
}
const task = (id: string, command: string[], extra: Partial<Task> = {}): Task => ({ id, image: TEST_SHELL_IMAGE, command, ...extra });

/** Whether this engine can start a privileged container at all, asked of the engine directly. */
async function enginePrivilegedWorks(): Promise<boolean> {
  const probe = await docker().createContainer({ Image: TEST_SHELL_IMAGE, Cmd: ["true"], HostConfig: { Privileged: true } });
  try {
    await probe.start();
    return true;
  } catch {
    return false;
  } finally {
    await probe.remove({ force: true }).catch(() => {});
  }
}

await describeWithService(dockerService, "docker driver", () => {
  beforeAll(async () => {
    await ensureShellImage();
    root = await mkdtemp(join(tmpdir(), "jetway-docker-unit-"));
  });
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((d) => d.close()));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("names containers from namespace and task id and labels everything with the namespace", async () => {
    const d = await driver();
    await d.createVolume("cache");
    const { container } = await runToEnd(d, task("build/1 get", ["true"], { mounts: [{ volume: "cache", path: "c" }] }));
    const info = await docker().getContainer((container as DockerContainer).dockerId).inspect();
    expect(info.Name).toMatch(new RegExp(`^/jetway-${d.namespace}-build-1-get-[0-9a-f]{10}$`));
    expect(info.Config.Labels).toMatchObject({ [NAMESPACE_LABEL]: d.namespace, [TASK_LABEL]: "build/1 get" });
    const volumes = await docker().listVolumes({ filters: { label: [`${NAMESPACE_LABEL}=${d.namespace}`] } });
    expect((volumes.Volumes ?? []).map((v) => v.Labels)).toEqual([{ [NAMESPACE_LABEL]: d.namespace, [VOLUME_LABEL]: "cache" }]);
  });

  it("maps user, working dir, memory and cpu shares to the engine's settings", async () => {
    const d = await driver();
    const mapped = await runToEnd(
      d,
      task("mapped", ["sh", "-c", "id -u; pwd; cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"], {
        user: "1000:1000",
        workingDir: "/srv/job",
        limits: { memory: 64 * 1024 * 1024, cpu: 512 },
      }),
    );
    expect(mapped.status).toEqual({ isDone: true, exitCode: 0 });
    expect(mapped.logs.stdout.toString()).toBe(`1000\n/srv/job\n${64 * 1024 * 1024}\n`);
    const info = await docker().getContainer((mapped.container as DockerContainer).dockerId).inspect();
    expect(info.HostConfig).toMatchObject({ Memory: 64 * 1024 * 1024, CpuShares: 512, Privileged: false });
    const plain = await runToEnd(d, task("plain", ["sh", "-c", "id -u; pwd"]));
    expect(plain.logs.stdout.toString()).toBe("0\n/tmp/build/work\n");
  });

  it("runs privileged tasks with every capability (or says clearly that the engine refused)", async () => {
    const d = await driver();
    const caps = async (id: string, privileged: boolean) => {
      const { logs } = await runToEnd(d, task(id, ["grep", "CapEff", "/proc/self/status"], { privileged }));
      return BigInt(`0x${logs.stdout.toString().trim().split(/\s+/)[1]}`);
    };
    const plain = await caps("plain", false);
    if (!(await enginePrivilegedWorks())) {
      // an engine that itself runs without every capability (as in this sandbox) cannot start one
      console.warn("[docker driver] this engine cannot start privileged containers; checking the refusal instead");
      await expect(d.runContainer(task("privileged", ["true"], { privileged: true }))).rejects.toMatchObject({
        code: "DRIVER_FAILED",
        message: expect.stringMatching(/^docker driver: task "privileged": cannot start: .*caps/),
      });
      return;
    }
    const privileged = await caps("privileged", true);
    // the default set is a strict subset of what a privileged container gets
    expect(privileged & plain).toBe(plain);
    expect(privileged > plain).toBe(true);
  });

  it("adopts a container an earlier driver of the namespace started, without running it again", async () => {
    const namespace = uniqueNamespace("adopt");
    const spec = `docker?volumes=host&root=${encodeURIComponent(root)}`;
    const first = await driver(spec, namespace);
    const volume = await first.createVolume("runs");
    const counting = task("count", ["sh", "-c", "echo run >> v/runs; echo done"], { mounts: [{ volume: "runs", path: "v" }] });
    const original = await runToEnd(first, counting);
    const second = await createDriver(spec, { namespace });
    const adopted = await second.runContainer(counting);
    expect((adopted as DockerContainer).dockerId).toBe((original.container as DockerContainer).dockerId);
    expect(await adopted.status()).toEqual({ isDone: true, exitCode: 0 });
    expect((await collectLogs(adopted)).stdout.toString()).toBe("done\n");
    expect(await readFile(join(volume.hostPath ?? "", "runs"), "utf8")).toBe("run\n");
    expect(await (await second.getContainer("count"))?.status()).toEqual({ isDone: true, exitCode: 0 });
  });

  it("gives volumes a host path only with volumes=host", async () => {
    const named = await (await driver()).createVolume("v");
    expect(named.hostPath).toBeUndefined();
    const host = await (await driver(`docker?volumes=host&root=${encodeURIComponent(root)}`)).createVolume("v");
    expect(host.hostPath?.startsWith(root)).toBe(true);
  });

  it("runs concurrent tasks, and one container per id even when asked at once", async () => {
    const d = await driver();
    const ids = Array.from({ length: 12 }, (_, i) => i);
    const results = await Promise.all(ids.map((i) => runToEnd(d, task(`t${i}`, ["sh", "-c", `echo ${i}; exit ${i}`]))));
    expect(results.map((r) => r.status.exitCode)).toEqual(ids);
    expect(results.map((r) => r.logs.stdout.toString())).toEqual(ids.map((i) => `${i}\n`));
    const same = await Promise.all([1, 2, 3].map(() => d.runContainer(task("once", ["true"]))));
    expect(new Set(same).size).toBe(1);
    const listed = await docker().listContainers({ all: true, filters: { label: [`${TASK_LABEL}=once`, `${NAMESPACE_LABEL}=${d.namespace}`] } });
    expect(listed).toHaveLength(1);
  });

  it("fails in one line when the engine does not answer", async () => {
    await expect(createDriver("docker?host=unix:///nonexistent/docker.sock", { namespace: "x" })).rejects.toMatchObject({
      code: "DRIVER_FAILED",
      message: expect.stringMatching(/^docker driver: engine at unix:\/\/\/nonexistent\/docker.sock not reachable: /),
    });
  });
});

await describeWithService(registryService, "docker driver: images", () => {
  beforeAll(ensureShellImage);
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((d) => d.close()));
  });

  it("pulls an image only when it is missing", async () => {
    const repo = `${REGISTRY}/jetway/orchestra-pull-test`;
    const tag = `t${Date.now().toString(36)}`;
    const ref = `${repo}:${tag}`;
    try {
      await docker().getImage(TEST_SHELL_IMAGE).tag({ repo, tag });
      await followProgress(await docker().getImage(ref).push({ tag, authconfig: {} }));
      await docker().getImage(ref).remove();
      const d = await driver();
      const { status, logs } = await runToEnd(d, { id: "pulled", image: ref, command: ["echo", "pulled"] });
      expect(status).toEqual({ isDone: true, exitCode: 0 });
      expect(logs.stdout.toString()).toBe("pulled\n");
      expect((await docker().getImage(ref).inspect()).RepoTags).toContain(ref);
    } finally {
      await docker().getImage(ref).remove().catch(() => {});
    }
  });
});

/** The Docker driver on the real engine, with named volumes and with host volumes. */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { docker, dockerProbe, imageExists, repoRoot } from "../../images/lib.ts";
import { NAMESPACE_LABEL } from "../../src/orchestra/index.ts";
import type { ServiceProbe } from "../support/services.ts";
import type { DriverTarget, TargetEnv } from "./targets.ts";

export const dockerService: ServiceProbe = { name: "docker", probe: dockerProbe };

/** Built by images/test/build-busybox.sh (.ci/run's images step): busybox sh and tools. */
export const TEST_SHELL_IMAGE = "jetway/test-busybox:latest";

/** Builds the test image when it is missing (CI builds it before the tests). */
export async function ensureShellImage(): Promise<void> {
  if (await imageExists(TEST_SHELL_IMAGE)) return;
  console.warn(`[orchestra] building ${TEST_SHELL_IMAGE} (images/test/build-busybox.sh)`);
  await promisify(execFile)("bash", [join(repoRoot, "images/test/build-busybox.sh")], { timeout: 300_000 });
}

/** Containers and volumes labelled with the namespace, and the host-volume folder. */
export async function dockerLeftovers(namespace: string, hostDir?: string): Promise<string[]> {
  const filters = { label: [`${NAMESPACE_LABEL}=${namespace}`] };
  const containers = await docker().listContainers({ all: true, filters });
  const { Volumes: volumes } = await docker().listVolumes({ filters });
  const found = [
    ...containers.map((c) => `container ${c.Names.join(",")} (${c.State})`),
    ...(volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
  if (hostDir !== undefined) {
    try {
      const entries = await readdir(join(hostDir, namespace));
      found.push(`folder ${join(hostDir, namespace)} (${entries.length} entries)`);
    } catch {
      // no folder left
    }
  }
  return found;
}

function dockerTarget(volumes: "named" | "host"): DriverTarget {
  return {
    name: volumes === "host" ? "docker (host volumes)" : "docker",
    driver: "docker",
    service: dockerService,
    async setup(): Promise<TargetEnv> {
      await ensureShellImage();
      const base = { shellImage: TEST_SHELL_IMAGE, missingImage: "jetway/orchestra-test-missing:none" };
      if (volumes === "named") return { ...base, spec: "docker", leftovers: (ns) => dockerLeftovers(ns) };
      const root = await mkdtemp(join(tmpdir(), "jetway-docker-test-"));
      return {
        ...base,
        spec: `docker?volumes=host&root=${encodeURIComponent(root)}`,
        leftovers: (ns) => dockerLeftovers(ns, root),
        teardown: () => rm(root, { recursive: true, force: true }),
      };
    },
  };
}

export const dockerTargets: readonly DriverTarget[] = [dockerTarget("named"), dockerTarget("host")];

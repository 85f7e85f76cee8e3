/**
 * Real drivers for the executor's tests, with a way to reach a volume's files
 * from the test: docker with host volumes (the folder), docker with named
 * volumes (the engine's mount point: a local engine, run as root), and the
 * k8s API fake (the claim's folder).
 */
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { docker, imageExists, imageUpToDate, repoRoot } from "../../images/lib.ts";
import { DEFAULT_NODE_IMAGE } from "../../src/executor/index.ts";
import { createDriver } from "../../src/orchestra/index.ts";
import { claimName } from "../../src/orchestra/k8s/index.ts";
import type { Driver, Volume } from "../../src/orchestra/types.ts";
import { IMAGE_PATH, startK8sFake, type K8sFake } from "../orchestra/k8s-fake/index.ts";

export interface TestDriver {
  driver: Driver;
  /** the host folder holding the volume's files */
  volumeDir(volume: Volume): Promise<string>;
  close(): Promise<void>;
}

let namespaces = 0;
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${process.pid}-${namespaces++}`;
}

export async function dockerHostVolumes(): Promise<TestDriver> {
  const root = await mkdtemp(join(tmpdir(), "jetway-executor-docker-"));
  const driver = await createDriver(`docker?volumes=host&root=${encodeURIComponent(root)}`, { namespace: uniqueNamespace("exec-host") });
  return {
    driver,
    volumeDir: async (volume) => volume.hostPath ?? raise(`volume ${volume.name} has no host path`),
    async close() {
      await driver.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Named volumes: their files are read and written where the local engine keeps them. */
export async function dockerNamedVolumes(): Promise<TestDriver> {
  const driver = await createDriver("docker", { namespace: uniqueNamespace("exec-named") });
  return {
    driver,
    async volumeDir(volume) {
      const name = (volume as Volume & { dockerName?: string }).dockerName ?? raise(`volume ${volume.name} is not a named volume`);
      const info = (await docker().getVolume(name).inspect()) as { Mountpoint: string };
      return info.Mountpoint;
    },
    close: () => driver.close(),
  };
}

/** Images the fake knows: names only; their programs are this host's, node being the one running the tests. */
export const FAKE_IMAGE_ENV = { PATH: `${dirname(process.execPath)}:${IMAGE_PATH}` };
export const FAKE_JETWAY_IMAGE = "jetway/jetway:test";
export const FAKE_NODE_IMAGE = "jetway/node-base:test";
/**
 * Copies dist/ (the bundles and the CLI) to `to`, with a package.json saying ESM
 * for the CLI there. In the fake, absolute paths are the host's: the copied CLI
 * stands for the one inside the jetway image.
 */
export async function snapshotDist(to: string): Promise<void> {
  const from = join(repoRoot, "dist");
  for (const file of ["cli/jetway.js", "resource-types/time/check"]) {
    if (!existsSync(join(from, file))) throw new Error(`dist/${file} is missing: run npm run build first`);
  }
  await cp(join(from, "cli"), join(to, "cli"), { recursive: true });
  await cp(join(from, "resource-types"), join(to, "resource-types"), { recursive: true });
  await writeFile(join(to, "package.json"), '{"type":"module"}\n');
  // as in the jetway image (images/jetway/): the folder the init delivery copies says ESM itself
  if (!existsSync(join(to, "cli", "package.json"))) await writeFile(join(to, "cli", "package.json"), '{"type":"module"}\n');
}

export async function k8sFake(): Promise<TestDriver & { fake: K8sFake }> {
  const fake = await startK8sFake({ namespaces: ["jetway-test"], images: { [FAKE_JETWAY_IMAGE]: FAKE_IMAGE_ENV, [FAKE_NODE_IMAGE]: FAKE_IMAGE_ENV } });
  const namespace = uniqueNamespace("exec-k8s");
  const driver = await createDriver(`k8s://jetway-test?kubeconfig=${encodeURIComponent(fake.kubeconfigPath)}`, { namespace });
  return {
    driver,
    fake,
    async volumeDir(volume) {
      const claim = fake.cluster.claim("jetway-test", claimName(namespace, volume.name));
      return claim?.dir ?? raise(`no claim for volume ${volume.name}`);
    },
    async close() {
      await driver.close();
      const unexpected = [...fake.unexpected];
      await fake.close();
      if (unexpected.length > 0) throw new Error(`the k8s fake got requests it does not serve: ${unexpected.join("; ")}`);
    },
  };
}

/** The images the docker paths use: each native type's own (current with dist/) and the node base. */
export async function dockerImagesReady(types: readonly string[]): Promise<true | string> {
  for (const type of types) {
    const status = await imageUpToDate(type, "latest");
    if (status !== true) return status;
  }
  return (await imageExists(DEFAULT_NODE_IMAGE)) ? true : `image ${DEFAULT_NODE_IMAGE} is missing: run npm run images:base`;
}

function raise(message: string): never {
  throw new Error(message);
}

/** Shared set-up for the image tests: services, fresh images, fixtures by type. */
import { buildImages } from "../../images/build-images.ts";
import { JETWAY_IMAGE_NAME, dockerProbe, imageTypes, imageUpToDate, jetwayImageRef, jetwayImageUpToDate, runContainer } from "../../images/lib.ts";
import { loadFixtures, type DeliveryPath, type LoadedFixture } from "../golden/harness.ts";
import { openUp } from "../golden/image-path.ts";
import type { ServiceProbe } from "../support/services.ts";

export const dockerService: ServiceProbe = { name: "docker", probe: dockerProbe };

export const REGISTRY = process.env.JETWAY_TEST_REGISTRY ?? "127.0.0.1:5000";

export const registryService: ServiceProbe = {
  name: "registry",
  async probe() {
    const engine = await dockerProbe();
    if (engine !== true) return engine;
    try {
      const res = await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(3000) });
      return res.ok ? true : `http://${REGISTRY}/v2/ answered ${res.status}`;
    } catch (e) {
      return `no registry at ${REGISTRY} (${e instanceof Error ? e.message : String(e)}); run .ci/services/registry.sh`;
    }
  },
};

/** Every image type (from the Dockerfiles at the root). */
export const types = imageTypes();

/**
 * Builds the images that are missing or older than dist/ (CI builds them before the
 * tests; this keeps a local `vitest run test/images` honest after `npm run build`).
 */
export async function ensureImages(): Promise<void> {
  const stale: string[] = [];
  for (const type of types) if ((await imageUpToDate(type)) !== true) stale.push(type);
  if ((await jetwayImageUpToDate()) !== true) stale.push(JETWAY_IMAGE_NAME);
  if (stale.length === 0) return;
  console.warn(`[images] building ${stale.join(", ")}: missing or older than dist/images or dist/cli`);
  await buildImages({ types: stale, log: (line) => console.warn(`[images] ${line}`) });
}

export function fixturesOf(type: string): LoadedFixture[] {
  return loadFixtures([type]);
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of results. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * jetway/jetway's CLI as a delivery path of the golden harness: `docker run -i
 * jetway/jetway:<tag> resource <type> <op> [dir]` through the image's own
 * entrypoint, the directory mounted at its host path. `user` opens the
 * directory up to that user first; `readOnly` adds a writable tmpfs /tmp.
 */
export function jetwayCliPath(options: { name: string; tag?: string; user?: string; readOnly?: boolean }): DeliveryPath {
  return {
    name: options.name,
    available: async () => true,
    async run(type, op, stdin, dir, env) {
      if (dir !== undefined && options.user !== undefined) await openUp(dir);
      return runContainer({
        image: jetwayImageRef(options.tag),
        cmd: ["resource", type, op, ...(dir !== undefined ? [dir] : [])],
        stdin,
        env,
        ...(options.user !== undefined ? { user: options.user } : {}),
        ...(options.readOnly ? { readOnly: true, tmpfs: { "/tmp": "rw,mode=1777" } } : {}),
        // the directory at the path it has on the host, so paths printed by a type agree
        ...(dir !== undefined ? { binds: [`${dir}:${dir}`] } : {}),
      });
    },
  };
}

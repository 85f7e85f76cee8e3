/**
 * The image delivery path: each operation runs as `docker run -i` of the type's
 * image `jetway/<type>-resource:<package version>`, the way Concourse runs a
 * resource container: `/opt/resource/<op>` executed directly (no shell), the
 * request piped on stdin, the in/out directory mounted at the same path it has on
 * the host (so paths printed by a resource agree with the host paths), the
 * fixture's environment passed, stdout and stderr demultiplexed.
 *
 * Variants (non-root user, read-only root filesystem) are used by test/images.
 */
import { chmod, readdir } from "node:fs/promises";
import { join } from "node:path";
import { dockerProbe, imageRef, imageTypes, imageUpToDate, runContainer } from "../../images/lib.ts";
import type { DeliveryPath, RunOutput } from "./harness.ts";

export interface ImagePathOptions {
  name?: string;
  /** `--user`, e.g. "1000:1000"; the directory is then opened up to that user */
  user?: string;
  /** `--read-only` with a writable tmpfs /tmp (TMPDIR) */
  readOnly?: boolean;
  /** image tag (default: the package version) */
  tag?: string;
  /** image reference per type, overriding the tag (e.g. an image pulled from a registry) */
  image?: (type: string) => string;
  /** network mode; "host" lets later types (git, s3) reach test services on loopback */
  network?: string;
}

/** Lets a container user other than the owner write the directory a get or put uses. */
export async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o777);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await openUp(p);
    else await chmod(p, 0o666);
  }
}

export function createImagePath(options: ImagePathOptions = {}): DeliveryPath {
  const image = options.image ?? ((type: string) => imageRef(type, options.tag));
  return {
    name: options.name ?? "image",
    async available() {
      const engine = await dockerProbe();
      if (engine !== true) return engine;
      if (options.image) return true;
      for (const type of imageTypes()) {
        const status = await imageUpToDate(type, options.tag);
        if (status !== true) return status;
      }
      return true;
    },
    async run(type, op, stdin, dir, env): Promise<RunOutput> {
      if (!options.image && !imageTypes().includes(type)) {
        throw new Error(`no image for type ${type}: there is no Dockerfile.${type} at the repository root`);
      }
      if (dir && options.user) await openUp(dir);
      return runContainer({
        image: image(type),
        entrypoint: [`/opt/resource/${op}`],
        cmd: dir ? [dir] : [],
        stdin,
        env,
        ...(options.user ? { user: options.user } : {}),
        ...(options.readOnly ? { readOnly: true, tmpfs: { "/tmp": "rw,mode=1777" } } : {}),
        ...(dir ? { binds: [`${dir}:${dir}`] } : {}),
        network: options.network ?? "host",
      });
    },
  };
}

/** Root, writable root filesystem: how Concourse runs resource containers. */
export const imagePath: DeliveryPath = createImagePath();

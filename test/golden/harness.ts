/**
 * Runs golden fixtures (test/fixtures/<type>/*.json) through a delivery path
 * and checks stdout, files, stderr and exit code against the fixture.
 */
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../src/protocol/context.ts";
import type { Operation } from "../../src/protocol/types.ts";
import { prepareGitFixture } from "./git-fixture.ts";
import type { GitOutSetup } from "./git-out-setup.ts";
import { prepareS3Fixture, type S3ObjectsExpectation, type S3Setup } from "./s3-setup.ts";
import { compileExpectation, expand, expandJson, hostIsPrivileged, type TemplateContext } from "./templates.ts";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixturesRoot = join(repoRoot, "test", "fixtures");

export interface Fixture {
  description: string;
  op: Operation;
  env?: Record<string, string>;
  /** s3: a fresh bucket on the test RGW for this run (test/golden/s3-setup.ts) */
  setup?: { files?: Record<string, string>; s3?: S3Setup; git?: GitOutSetup };
  request?: unknown;
  stdin?: string;
  expect: {
    exitCode: number;
    stdout?: string;
    stderr?: string;
    files?: Record<string, string>;
    /** only these files are checked; others may exist (a clone's .git internals) */
    someFiles?: Record<string, string>;
    /** objects the run's bucket must hold afterwards (null: must not exist) */
    s3Objects?: S3ObjectsExpectation;
    /** git put: revisions of the run's fresh remote afterwards (test/golden/git-out-setup.ts) */
    gitRemote?: Record<string, string | null>;
  };
}

export interface LoadedFixture {
  type: string;
  name: string;
  fixture: Fixture;
}

export interface RunOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** One way of delivering a resource type: in-process, CLI, entry point, image... */
export interface DeliveryPath {
  name: string;
  /** true when usable here, or the reason it is not */
  available(): Promise<true | string>;
  /** runs one operation; `dir` is the in/out directory (undefined for check) */
  run(type: string, op: Operation, stdin: string, dir: string | undefined, env: Record<string, string>): Promise<RunOutput>;
  /** tears down anything the path started */
  close?(): Promise<void>;
}

/** Every fixture of every type (or of the given types), sorted by type and name. */
export function loadFixtures(types?: readonly string[]): LoadedFixture[] {
  const out: LoadedFixture[] = [];
  for (const type of readdirSync(fixturesRoot, { withFileTypes: true })) {
    if (!type.isDirectory() || (types && !types.includes(type.name))) continue;
    for (const file of readdirSync(join(fixturesRoot, type.name)).sort()) {
      if (!file.endsWith(".json")) continue;
      const fixture = JSON.parse(readFileSync(join(fixturesRoot, type.name, file), "utf8")) as Fixture;
      out.push({ type: type.name, name: file.replace(/\.json$/, ""), fixture });
    }
  }
  return out.sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p));
    }
  };
  await walk(dir).catch(() => undefined);
  return out.sort();
}

export interface FixtureOutcome {
  output: RunOutput;
  /** files left in the directory, path -> content */
  files: Record<string, string>;
  /** everything that differs from the fixture; empty when it passed */
  problems: string[];
  /** a run-independent summary, equal across paths that agree */
  normalised: string;
}

/** Runs one fixture through one path in a fresh directory and checks the result. */
export async function runFixture(path: DeliveryPath, loaded: LoadedFixture): Promise<FixtureOutcome> {
  const { fixture, type } = loaded;
  const ctx: TemplateContext = { startNanos: systemClock.nowNanos(), privileged: hostIsPrivileged() };
  const git = await prepareGitFixture(JSON.stringify(fixture), fixture.setup?.git);
  if (git) ctx.git = git.template;
  const usesS3 = fixture.setup?.s3 !== undefined || JSON.stringify(fixture).includes("{{s3:");
  const s3 = usesS3 ? await prepareS3Fixture(loaded.name, fixture.setup?.s3) : undefined;
  if (s3) ctx.s3 = s3;
  const stdin = fixture.stdin !== undefined ? expand(fixture.stdin, ctx) : JSON.stringify(expandJson(fixture.request ?? {}, ctx));
  const env = expandJson(fixture.env ?? {}, ctx);

  let dir: string | undefined;
  const setupFiles = expandJson(fixture.setup?.files ?? {}, ctx);
  if (fixture.op !== "check") {
    dir = await mkdtemp(join(tmpdir(), `jetway-golden-${type}-`));
    for (const [p, content] of Object.entries(setupFiles)) {
      await mkdir(dirname(join(dir, p)), { recursive: true });
      await writeFile(join(dir, p), content);
    }
    git?.populate(dir);
  }
  try {
    const output = await path.run(type, fixture.op, stdin, dir, env);
    await s3?.afterRun();
    git?.afterRun();
    const endNanos = systemClock.nowNanos();
    const files: Record<string, string> = {};
    if (dir) for (const f of await listFiles(dir)) files[f] = await readFile(join(dir, f), "utf8");

    const problems: string[] = [];
    const want = fixture.expect;
    if (output.exitCode !== want.exitCode) problems.push(`exit code ${output.exitCode}, expected ${want.exitCode}`);
    let stdoutNorm = output.stdout;
    if (want.stdout !== undefined) {
      const stdoutProblems = compileExpectation(expand(want.stdout, ctx), ctx).check(output.stdout, endNanos);
      problems.push(...stdoutProblems.map((p) => `stdout: ${p}`));
      // matching output is, up to its run-dependent parts, the fixture's own text
      if (stdoutProblems.length === 0) stdoutNorm = want.stdout;
    }
    if (want.stderr !== undefined && !new RegExp(want.stderr, "s").test(output.stderr)) {
      problems.push(`stderr ${JSON.stringify(output.stderr)} does not match /${want.stderr}/`);
    }
    if (/\n\s+at .+:\d+:\d+\)?\n/.test(output.stderr)) problems.push(`stderr holds a stack trace: ${output.stderr}`);
    if (output.exitCode !== 0) {
      if (output.stdout !== "") problems.push(`a failed run wrote stdout: ${JSON.stringify(output.stdout)}`);
      if (fixture.op === "in" && Object.keys(files).length > 0) {
        problems.push(`a failed in left files behind: ${Object.keys(files).join(", ")}`);
      }
      if (output.stderr.trim() === "") problems.push("a failed run printed nothing on stderr");
    }
    if (want.files !== undefined) {
      const expected = expandJson(want.files, ctx);
      const expectedNames = new Set([...Object.keys(expected), ...(fixture.op === "out" ? Object.keys(setupFiles) : [])]);
      const actualNames = Object.keys(files);
      const missing = [...expectedNames].filter((f) => !(f in files));
      const extra = actualNames.filter((f) => !expectedNames.has(f));
      if (missing.length) problems.push(`missing files: ${missing.join(", ")}`);
      if (extra.length) problems.push(`unexpected files: ${extra.join(", ")}`);
      for (const [f, content] of Object.entries(expected)) {
        if (files[f] === undefined) continue;
        problems.push(...compileExpectation(content, ctx).check(files[f]!, endNanos).map((p) => `file ${f}: ${p}`));
      }
    }
    for (const [f, content] of Object.entries(expandJson(want.someFiles ?? {}, ctx))) {
      if (files[f] === undefined) problems.push(`missing file: ${f}`);
      else problems.push(...compileExpectation(content, ctx).check(files[f]!, endNanos).map((p) => `file ${f}: ${p}`));
    }
    if (s3) problems.push(...(await s3.problems(expandJson(want.s3Objects ?? {}, ctx))));
    if (git) problems.push(...git.problems(expandJson(want.gitRemote, ctx), ctx, endNanos));
    const normalised = JSON.stringify({ exitCode: output.exitCode, stdout: stdoutNorm, files: Object.keys(files) });
    return { output, files, problems, normalised };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
    await s3?.cleanup();
    git?.cleanup();
  }
}

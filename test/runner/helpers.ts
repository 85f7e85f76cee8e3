/**
 * For the runner's tests: pipelines run in-process through runPipeline (the
 * real scheduler, store, build engine, native driver and native types), each
 * test in its own temp dir with its own state and native driver root; and the
 * built CLI as a child process for end-to-end runs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { formatProblem, loadPipeline, loadVarFlags, type VarFlag } from "../../src/pipeline/index.ts";
import { runPipeline, type RunMode, type RunOutcome } from "../../src/runner/index.ts";
import { repoRoot } from "../golden/harness.ts";

export const JETWAY = join(repoRoot, "dist/cli/jetway.js");

const made: string[] = [];
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `jetway-runner-${label}-`));
  made.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface InProcessRun extends RunOutcome {
  /** everything the run printed (the live output) */
  out: string;
  warnings: string[];
}

/** A place to run pipelines: a state dir and a native driver root of its own. */
export class Workspace {
  readonly dir: string;
  readonly state: string;
  readonly driver: string;

  constructor(label: string) {
    this.dir = tempDir(label);
    this.state = join(this.dir, "state");
    this.driver = `native?root=${join(this.dir, "native")}`;
  }

  async run(yaml: string, mode: RunMode = { kind: "once" }, options: { vars?: string[]; signal?: AbortSignal; onOutput?: (text: string) => void } = {}): Promise<InProcessRun> {
    const registry = createDefaultRegistry();
    const flags: VarFlag[] = (options.vars ?? []).map((arg) => ({ kind: "var", arg }));
    const vars = await loadVarFlags(flags);
    const loaded = loadPipeline(yaml, { registry, vars });
    if (loaded.pipeline === undefined) throw new Error(`test pipeline is invalid:\n${loaded.problems.map(formatProblem).join("\n")}`);
    let out = "";
    const warnings: string[] = [];
    const outcome = await runPipeline(
      {
        pipeline: loaded.pipeline,
        pipelineName: "test",
        stateDir: this.state,
        driverSpec: this.driver,
        registry,
        vars,
        output: {
          write: (text) => {
            out += text;
            options.onOutput?.(text);
          },
          tty: false,
          color: false,
        },
        warn: (line) => warnings.push(line),
        signal: options.signal ?? new AbortController().signal,
      },
      mode,
    );
    return { ...outcome, out, warnings };
  }
}

/** A task config running a shell script on the host. */
export function sh(script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { platform: "linux", run: { path: "sh", args: ["-ec", script] }, ...extra };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI in `cwd`; resolves when it exits. */
export function jetway(cwd: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult>; stdout: () => string } {
  const child = spawn(process.execPath, [JETWAY, ...args], { cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stdout: () => stdout };
}

/** Polls until `test` holds (for a child's output), failing after `ms`. */
export async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

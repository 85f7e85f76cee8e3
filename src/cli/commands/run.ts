import { basename, extname } from "node:path";
import { createExecutor, takeExecutorFlags, type ExecutorFlags } from "../../executor/index.ts";
import { JetwayError } from "../../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../../registry.ts";
import { loadPipelineFile, loadVarFlags, pipelineError, takeVarFlags } from "../../pipeline/index.ts";
import { runPipeline, type RunMode } from "../../runner/index.ts";
import { wantsColor } from "../../runner/output/index.ts";
import { RUN_HELP } from "../help.ts";
import type { CliIO } from "../io.ts";

/** The options `run` and `watch` share, parsed. */
export interface RunArgs {
  file: string;
  job: string | undefined;
  driver: string | undefined;
  state: string | undefined;
  /** --prefer-native-resources / --no-native-resources, --delivery */
  executor: ExecutorFlags;
}

/**
 * Takes `--name VALUE` or `--name=VALUE` out of args. Returns the value (the
 * last one given) and the rest of args.
 */
export function takeOption(args: readonly string[], names: readonly string[], command: string): { value: string | undefined; rest: string[] } {
  let value: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (!names.includes(name)) {
      rest.push(arg);
      continue;
    }
    const v = name !== arg ? arg.slice(eq + 1) : args[++i];
    if (v === undefined || v === "") throw new JetwayError("USAGE", `${command}: ${name} needs a value`);
    value = v;
  }
  return { value, rest };
}

/** Parses run/watch arguments; var flags are returned apart for loadVarFlags. */
export function parseRunArgs(args: readonly string[], command: "run" | "watch") {
  const { flags: executor, rest: afterExecutor } = takeExecutorFlags(args);
  const { flags, rest: afterVars } = takeVarFlags(afterExecutor);
  const job = command === "run" ? takeOption(afterVars, ["--job", "-j"], command) : { value: undefined, rest: afterVars };
  const driver = takeOption(job.rest, ["--driver", "-d"], command);
  const state = takeOption(driver.rest, ["--state"], command);
  const rest = state.rest;
  const unknown = rest.find((a) => a.startsWith("-") && a !== "-");
  if (unknown !== undefined) throw new JetwayError("USAGE", `${command}: unknown option ${JSON.stringify(unknown)}; see jetway ${command} --help`);
  if (rest.length !== 1) {
    throw new JetwayError("USAGE", rest.length === 0 ? `${command}: name the pipeline file: jetway ${command} pipeline.yml` : `${command}: one pipeline file at a time (got ${rest.length})`);
  }
  const parsed: RunArgs = { file: rest[0]!, job: job.value, driver: driver.value, state: state.value, executor };
  return { args: parsed, varFlags: flags };
}

/** Loads the pipeline as `validate` does, then runs it; returns the exit code. */
export async function runOrWatch(args: string[], registry: ResourceTypeRegistry, io: CliIO, command: "run" | "watch", help: string): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(help + "\n");
    return 0;
  }
  const { args: parsed, varFlags } = parseRunArgs(args, command);
  const vars = await loadVarFlags(varFlags);
  const loaded = await loadPipelineFile(parsed.file, { registry, vars });
  if (loaded.problems.length > 0) {
    const err = pipelineError(parsed.file, loaded.problems);
    io.stderr(err.stderr + "\n");
    return err.exitCode;
  }
  const mode: RunMode = command === "watch" ? { kind: "watch" } : parsed.job !== undefined ? { kind: "job", job: parsed.job } : { kind: "once" };
  const tty = process.stdout.isTTY === true;
  const outcome = await runPipeline(
    {
      pipeline: loaded.pipeline!,
      pipelineName: basename(parsed.file, extname(parsed.file)),
      ...(parsed.state !== undefined && { stateDir: parsed.state }),
      ...(parsed.driver !== undefined && { driverSpec: parsed.driver }),
      registry,
      vars,
      executor: createExecutor({
        registry,
        preferNative: parsed.executor.preferNative,
        delivery: parsed.executor.delivery,
        ...(parsed.executor.jetwayImage !== undefined && { jetwayImage: parsed.executor.jetwayImage }),
        ...(parsed.executor.nodeImage !== undefined && { nodeImage: parsed.executor.nodeImage }),
      }),
      executorHandlesFallback: true,
      output: { write: (text) => io.stdout(text), tty, color: wantsColor(tty, io.env) },
      warn: (line) => io.stderr(`jetway: ${line}\n`),
      signal: io.signal,
    },
    mode,
  );
  return outcome.exitCode;
}

/** `jetway run pipeline.yml [--job NAME] [--driver SPEC] [--state DIR] [-v/-y/-l]` */
export function runCommand(args: string[], registry: ResourceTypeRegistry, io: CliIO): Promise<number> {
  return runOrWatch(args, registry, io, "run", RUN_HELP);
}

import { JetwayError } from "../../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../../registry.ts";
import { loadPipelineFile, loadVarFlags, pipelineError, takeVarFlags } from "../../pipeline/index.ts";
import { VALIDATE_HELP } from "../help.ts";
import type { CliIO } from "../io.ts";

/** `jetway validate pipeline.yml [-v k=v] [-y k=yaml] [-l vars.yml]`: returns the exit code. */
export async function validateCommand(args: string[], registry: ResourceTypeRegistry, io: CliIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(VALIDATE_HELP + "\n");
    return 0;
  }
  const { flags, rest } = takeVarFlags(args);
  const unknown = rest.find((a) => a.startsWith("-") && a !== "-");
  if (unknown !== undefined) throw new JetwayError("USAGE", `validate: unknown option ${JSON.stringify(unknown)}; see jetway validate --help`);
  if (rest.length !== 1) {
    throw new JetwayError("USAGE", rest.length === 0 ? "validate: name the pipeline file: jetway validate pipeline.yml" : `validate: one pipeline file at a time (got ${rest.length})`);
  }
  const file = rest[0]!;
  const vars = await loadVarFlags(flags);
  const result = await loadPipelineFile(file, { registry, vars });
  if (result.problems.length > 0) {
    const err = pipelineError(file, result.problems);
    io.stderr(err.stderr + "\n");
    return err.exitCode;
  }
  const p = result.pipeline!;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  io.stdout(`${file}: OK (${count(p.resources?.length ?? 0, "resource")}, ${count(p.jobs?.length ?? 0, "job")})\n`);
  return 0;
}

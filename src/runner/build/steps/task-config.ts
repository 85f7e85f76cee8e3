/** A task's config: inline, or a YAML file inside an artifact with its own `((vars))`. */
import { parse as parseYaml } from "yaml";
import { taskConfigSchema, type TaskConfig, type TaskStep } from "../../../pipeline/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import { readArtifactFile } from "../artifact-file.ts";
import type { StepContext } from "../context.ts";
import { interpolate, type VarLookup } from "../vars.ts";

/**
 * `file:` is read from its artifact when the step runs; its `((vars))` come
 * from the step's `vars`, then the run's vars, and `((.:local))` from the
 * build. An inline `config` given with a file overrides the file's keys.
 */
export async function loadTaskConfig(step: TaskStep, ctx: StepContext): Promise<TaskConfig> {
  const what = `task ${step.task}`;
  if (step.file === undefined) {
    if (step.config === undefined) throw new JetwayError("INVALID_CONFIG", `${what}: needs config or file`);
    return step.config;
  }
  const text = await readArtifactFile(ctx.scope, step.file, `${what}: file`, ctx.build.options.driver.name);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new JetwayError("INVALID_CONFIG", `${what}: ${step.file} is not YAML: ${(e as Error).message}`);
  }
  const filled = interpolate(raw, fileVars(step, ctx), `${what}: ${step.file}`);
  const merged = step.config !== undefined && isMap(filled) ? { ...filled, ...step.config } : filled;
  const parsed = taskConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new JetwayError("INVALID_CONFIG", `${what}: ${step.file}: ${where}${issue?.message ?? "invalid task config"}`);
  }
  return parsed.data;
}

function fileVars(step: TaskStep, ctx: StepContext): VarLookup {
  const runVars = ctx.build.options.vars ?? {};
  return (ref) => {
    if (ref.source === ".") return ctx.scope.localVar(ref.name);
    if (ref.source !== undefined) return "skip";
    if (step.vars !== undefined && Object.hasOwn(step.vars, ref.name)) return { found: true, value: step.vars[ref.name] };
    if (Object.hasOwn(runVars, ref.name)) return { found: true, value: runVars[ref.name] };
    return { found: false };
  };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

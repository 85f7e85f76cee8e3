/** load_var: a file of an artifact becomes the local var `((.:name))`. */
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import type { LoadVarFormat, LoadVarStep } from "../../../pipeline/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import { readArtifactFile } from "../artifact-file.ts";
import type { StepContext } from "../context.ts";
import { SUCCEEDED, type Result } from "../outcome.ts";
import type { StepRef } from "../types.ts";

export async function runLoadVar(step: LoadVarStep, _ref: StepRef, ctx: StepContext): Promise<Result> {
  const what = `load_var ${step.load_var}`;
  const text = await readArtifactFile(ctx.scope, step.file, `${what}: file`, ctx.build.options.driver.name);
  ctx.scope.setLocalVar(step.load_var, decode(text, step.format ?? formatOf(step.file), what, step.file));
  return SUCCEEDED;
}

/** Without `format`, the file's extension decides; anything else is trimmed text. */
function formatOf(file: string): LoadVarFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".yml" || ext === ".yaml") return "yaml";
  return "trim";
}

function decode(text: string, format: LoadVarFormat, what: string, file: string): unknown {
  switch (format) {
    case "raw":
      return text;
    case "trim":
      return text.trim();
    case "json":
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new JetwayError("INVALID_CONFIG", `${what}: ${file} is not JSON: ${(e as Error).message}`);
      }
    case "yaml":
    case "yml":
      try {
        return parseYaml(text);
      } catch (e) {
        throw new JetwayError("INVALID_CONFIG", `${what}: ${file} is not YAML: ${(e as Error).message}`);
      }
  }
}

import { readFile } from "node:fs/promises";
import { JetwayError } from "../protocol/errors.ts";
import { collectSecrets, redact } from "../protocol/secrets.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { checkArtifacts } from "./artifacts.ts";
import { checkPassedCycles } from "./cycles.ts";
import { interpolate } from "./interpolate.ts";
import { issuesToProblems } from "./issues.ts";
import { dropStructuralNulls } from "./nulls.ts";
import { checkNativeResources } from "./native-checks.ts";
import { formatPath, sortProblems, type Problem, type YamlPath } from "./problems.ts";
import { asMap, named } from "./raw.ts";
import { checkDuplicateNames, checkReferences } from "./references.ts";
import { pipelineSchema, type Pipeline } from "./types.ts";
import { Vars } from "./vars.ts";
import { readYaml } from "./yaml-source.ts";

export interface PipelineOptions {
  /** the native types; their schemas check native resources' source and params */
  registry: ResourceTypeRegistry;
  /** values for ((vars)); none by default */
  vars?: Vars;
}

export interface PipelineResult {
  /** the typed pipeline, present only when there are no problems */
  pipeline: Pipeline | undefined;
  /** every problem found, in file order */
  problems: Problem[];
  /** the line of a YAML path in the file (or of its nearest ancestor), for the runner's own messages */
  lineOf(path: YamlPath): number | undefined;
}

/**
 * Reads, interpolates and validates a pipeline. Nothing stops at the first
 * problem: the YAML, the vars, the schema, the cross-references, the
 * `passed` graph, the artifacts and the native types' source and params are
 * all checked, and every problem comes back with its path and line.
 */
export function loadPipeline(text: string, options: PipelineOptions): PipelineResult {
  const yaml = readYaml(text);
  const { lineOf } = yaml;
  const problems: Problem[] = [...yaml.problems];
  const vars = options.vars ?? new Vars();
  let value: unknown;
  const done = (pipeline?: Pipeline): PipelineResult => {
    const secrets = secretsOf(value, vars);
    const sorted = sortProblems(dedupe(problems)).map((p) => ({ ...p, message: redact(p.message, secrets) }));
    return { pipeline: sorted.length === 0 ? pipeline : undefined, problems: sorted, lineOf };
  };
  const report = (path: YamlPath, message: string) => problems.push({ code: "PIPELINE_INVALID", path, line: lineOf(path), message });

  if (yaml.value === undefined) return done();
  if (yaml.value === null) {
    report([], "the pipeline is empty");
    return done();
  }
  if (asMap(yaml.value) === undefined) {
    report([], "a pipeline is a map of resources, resource_types, jobs, groups, var_sources and display");
    return done();
  }

  const varSources = new Set(named(asMap(yaml.value)?.var_sources).map((s) => s.name));
  const interpolated = interpolate(yaml.value, { vars, lineOf, varSources });
  problems.push(...interpolated.problems);
  value = dropStructuralNulls(interpolated.value);

  const parsed = pipelineSchema.safeParse(value);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, value, [], lineOf));

  checkDuplicateNames(value, report, lineOf);
  checkReferences(value, report);
  checkPassedCycles(value, report);
  checkArtifacts(value, report);
  problems.push(...checkNativeResources(value, options.registry, report, lineOf));

  return done(parsed.success ? parsed.data : undefined);
}

/** Reads the file, then loadPipeline. An unreadable file is a USAGE error, not a problem in the pipeline. */
export async function loadPipelineFile(file: string, options: PipelineOptions): Promise<PipelineResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new JetwayError("USAGE", `cannot read pipeline ${file}: ${why}`);
  }
  return loadPipeline(text, options);
}

/**
 * Values no message may show: those under secret-looking keys of the pipeline,
 * and vars given with secret-looking names (wherever the pipeline put them).
 */
function secretsOf(pipeline: unknown, vars: Vars): Set<string> {
  const found = collectSecrets(pipeline);
  const given = Object.fromEntries(vars.leaves().map((l) => [l.name, typeof l.value === "string" ? l.value : JSON.stringify(l.value)]));
  return collectSecrets(given, found);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatPath(p.path)}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

import type { YamlPath } from "./problems.ts";
import { asList, asMap, asString, isDynamic, type RawMap } from "./raw.ts";
import type { Report } from "./references.ts";
import { HOOK_KEYS, stepKind } from "./types.ts";
import { childSteps, jobsOf } from "./walk.ts";

/**
 * Artifacts pass between the steps of a build by name. This follows a job's
 * plan in order and reports a name used before any step could have made it:
 * a task input (after input_mapping), a task `image:`, the artifact a `file:`
 * is read from, a put's listed inputs. Concourse only finds these when the
 * build runs. Once a task with a `file:` config has run, its outputs are
 * unknown, so later names are given the benefit of the doubt.
 */
export function checkArtifacts(pipeline: unknown, report: Report): void {
  for (const job of jobsOf(pipeline)) {
    const base: YamlPath = ["jobs", job.index];
    let state: Flow = { names: new Set(), open: false };
    asList(job.value.plan).forEach((s, i) => {
      state = flow(s, [...base, "plan", i], state, report);
    });
    for (const hook of HOOK_KEYS) if (job.value[hook] !== undefined) flow(job.value[hook], [...base, hook], state, report);
  }
}

interface Flow {
  names: ReadonlySet<string>;
  /** a step may have made artifacts whose names cannot be known before run time */
  open: boolean;
}

const merge = (a: Flow, b: Flow): Flow => ({ names: new Set([...a.names, ...b.names]), open: a.open || b.open });
const adding = (f: Flow, ...names: (string | undefined)[]): Flow => ({
  names: new Set([...f.names, ...names.filter((n): n is string => n !== undefined)]),
  open: f.open,
});

/** Checks one step against what is available before it; returns what is available after it. */
function flow(raw: unknown, path: YamlPath, before: Flow, report: Report): Flow {
  const step = asMap(raw);
  if (!step) return before;
  const need = (name: string | undefined, at: YamlPath, what: string) => {
    if (name === undefined || isDynamic(name) || before.open || before.names.has(name)) return;
    const known = [...before.names].sort().map((n) => JSON.stringify(n)).join(", ") || "none yet";
    report(at, `no earlier step makes an artifact named ${JSON.stringify(name)}, needed as ${what} (available: ${known})`);
  };
  const fileArtifact = (file: unknown, at: YamlPath, what: string) => {
    const f = asString(file);
    if (f !== undefined && !isDynamic(f)) need(f.split("/")[0], at, what);
  };

  let after = before;
  switch (stepKind(step)) {
    case "get":
      after = adding(before, asString(step.get));
      break;
    case "put": {
      const inputs = step.inputs;
      if (Array.isArray(inputs)) inputs.forEach((n, i) => need(asString(n), [...path, "inputs", i], "a put input"));
      if (step.no_get !== true) after = adding(before, asString(step.put));
      break;
    }
    case "task":
      after = taskFlow(step, path, before, need, fileArtifact, report);
      break;
    case "load_var":
      fileArtifact(step.file, [...path, "file"], "the artifact load_var reads");
      break;
    case "set_pipeline":
      fileArtifact(step.file, [...path, "file"], "the artifact set_pipeline reads");
      asList(step.var_files).forEach((f, i) => fileArtifact(f, [...path, "var_files", i], "the artifact of a var file"));
      break;
    case "do": {
      let state = before;
      for (const child of childSteps(step, path).filter((c) => c.path.at(-2) === "do")) state = flow(child.step, child.path, state, report);
      after = state;
      break;
    }
    case "try":
      after = flow(step.try, [...path, "try"], before, report);
      break;
    case "in_parallel": {
      const branches = childSteps(step, path).filter((c) => !HOOK_KEYS.includes(c.path.at(-1) as never));
      after = branches.reduce((acc, c) => merge(acc, flow(c.step, c.path, before, report)), before);
      break;
    }
  }
  // hooks run after the step, seeing what it made; what they make is available afterwards too
  for (const hook of HOOK_KEYS) if (step[hook] !== undefined) after = merge(after, flow(step[hook], [...path, hook], after, report));
  return after;
}

function taskFlow(
  step: RawMap,
  path: YamlPath,
  before: Flow,
  need: (name: string | undefined, at: YamlPath, what: string) => void,
  fileArtifact: (file: unknown, at: YamlPath, what: string) => void,
  report: Report,
): Flow {
  const inputMapping = asMap(step.input_mapping) ?? {};
  const outputMapping = asMap(step.output_mapping) ?? {};
  const config = asMap(step.config);
  const hasFile = step.file !== undefined;

  if (config === undefined && !hasFile) report(path, "a task needs a config or a file");
  if (config !== undefined && hasFile) report([...path, "file"], "a task takes config or file, not both");
  need(asString(step.image), [...path, "image"], "the task's image");
  fileArtifact(step.file, [...path, "file"], "the artifact of the task's file");

  if (config === undefined) {
    // a file's outputs are only known at run time; mapped outputs are known by their new names
    const mapped = Object.values(outputMapping).map(asString);
    return { ...adding(before, ...mapped), open: true };
  }

  const inputs = asList(config.inputs);
  const inputNames = new Set<string>();
  inputs.forEach((raw, i) => {
    const input = asMap(raw);
    const name = asString(input?.name);
    if (name === undefined) return;
    if (inputNames.has(name)) report([...path, "config", "inputs", i, "name"], `input ${JSON.stringify(name)} is listed twice`);
    inputNames.add(name);
    if (input?.optional === true) return;
    const artifact = asString(inputMapping[name]) ?? name;
    const at = Object.hasOwn(inputMapping, name) ? [...path, "input_mapping", name] : [...path, "config", "inputs", i, "name"];
    need(artifact, at, inputMapping[name] === undefined ? "a task input" : `task input ${JSON.stringify(name)} (through input_mapping)`);
  });
  for (const key of Object.keys(inputMapping)) {
    if (!inputNames.has(key)) report([...path, "input_mapping", key], `input_mapping names ${JSON.stringify(key)}, which is not one of the task's inputs`);
  }

  const outputNames = new Set<string>();
  const made: string[] = [];
  asList(config.outputs).forEach((raw, i) => {
    const name = asString(asMap(raw)?.name);
    if (name === undefined) return;
    if (outputNames.has(name)) report([...path, "config", "outputs", i, "name"], `output ${JSON.stringify(name)} is listed twice`);
    outputNames.add(name);
    made.push(asString(outputMapping[name]) ?? name);
  });
  for (const key of Object.keys(outputMapping)) {
    if (!outputNames.has(key)) report([...path, "output_mapping", key], `output_mapping names ${JSON.stringify(key)}, which is not one of the task's outputs`);
  }
  return adding(before, ...made);
}

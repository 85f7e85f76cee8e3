import type { YamlPath } from "./problems.ts";
import { asList, asMap, asString, type RawMap } from "./raw.ts";
import { HOOK_KEYS, stepKind, type StepKind } from "./types.ts";

export interface JobRef {
  index: number;
  /** undefined when the job has no usable name */
  name: string | undefined;
  value: RawMap;
}

export interface StepVisit {
  step: RawMap;
  kind: StepKind | undefined;
  path: YamlPath;
  job: JobRef;
}

/** Every job with its index, named or not. */
export function jobsOf(pipeline: unknown): JobRef[] {
  const out: JobRef[] = [];
  asList(asMap(pipeline)?.jobs).forEach((v, index) => {
    const value = asMap(v);
    if (value) out.push({ index, name: asString(value.name), value });
  });
  return out;
}

/** The steps directly inside a step (do, try, in_parallel and hooks), with their paths. */
export function childSteps(step: RawMap, path: YamlPath): { step: unknown; path: YamlPath }[] {
  const out: { step: unknown; path: YamlPath }[] = [];
  const kind = stepKind(step);
  if (kind === "do") asList(step.do).forEach((s, i) => out.push({ step: s, path: [...path, "do", i] }));
  if (kind === "try") out.push({ step: step.try, path: [...path, "try"] });
  if (kind === "in_parallel") {
    const p = step.in_parallel;
    if (Array.isArray(p)) p.forEach((s, i) => out.push({ step: s, path: [...path, "in_parallel", i] }));
    else asList(asMap(p)?.steps).forEach((s, i) => out.push({ step: s, path: [...path, "in_parallel", "steps", i] }));
  }
  for (const hook of HOOK_KEYS) if (step[hook] !== undefined) out.push({ step: step[hook], path: [...path, hook] });
  return out;
}

/** Visits every step of every job (plans, nested steps and the jobs' own hooks), parents first. */
export function forEachStep(pipeline: unknown, visit: (v: StepVisit) => void): void {
  const go = (raw: unknown, path: YamlPath, job: JobRef) => {
    const step = asMap(raw);
    if (!step) return;
    visit({ step, kind: stepKind(step), path, job });
    for (const child of childSteps(step, path)) go(child.step, child.path, job);
  };
  for (const job of jobsOf(pipeline)) {
    const base: YamlPath = ["jobs", job.index];
    asList(job.value.plan).forEach((s, i) => go(s, [...base, "plan", i], job));
    for (const hook of HOOK_KEYS) if (job.value[hook] !== undefined) go(job.value[hook], [...base, hook], job);
  }
}

/** The resource a get or put step uses: `resource:` or else the step's name. */
export function stepResource(step: RawMap, kind: "get" | "put"): { name: string | undefined; key: "resource" | "get" | "put" } {
  const explicit = asString(step.resource);
  if (explicit !== undefined) return { name: explicit, key: "resource" };
  return { name: asString(step[kind]), key: kind };
}

/** A job's inputs: the get steps of its plan, wherever they sit, as the scheduler resolves them. */
import { HOOK_KEYS, isStep, type Job, type Pipeline, type Step } from "../pipeline/types.ts";
import type { Version } from "../protocol/types.ts";

export interface JobInput {
  /** the get's name: the artifact, and the key of BuildOptions.inputs */
  name: string;
  resource: string;
  /** jobs the chosen version must have passed, together with the job's other inputs that name them */
  passed: readonly string[];
  trigger: boolean;
  /** a pinned version comes from the step's `version:` or, failing that, the resource's */
  version: "latest" | "every" | Version;
}

/**
 * Every get of the plan, its hooks and nested steps, once per name (the first
 * wins, as two gets of one name fetch into one artifact). A put's implicit get
 * is not an input. Gets whose name holds a local var (`((.:x))`) cannot be
 * resolved before the build runs and are left to the build.
 */
export function jobInputs(job: Job, pipeline: Pipeline): JobInput[] {
  const found = new Map<string, JobInput>();
  const visit = (step: Step | undefined): void => {
    if (step === undefined) return;
    if (isStep(step, "get") && !step.get.includes("((") && !found.has(step.get)) {
      const resourceName = step.resource ?? step.get;
      const resource = pipeline.resources?.find((r) => r.name === resourceName);
      const pin = typeof step.version === "object" ? step.version : resource?.version;
      found.set(step.get, {
        name: step.get,
        resource: resourceName,
        passed: step.passed ?? [],
        trigger: step.trigger === true,
        version: pin ?? (step.version === "every" ? "every" : "latest"),
      });
    }
    if (isStep(step, "do")) step.do.forEach(visit);
    if (isStep(step, "try")) visit(step.try);
    if (isStep(step, "in_parallel")) (Array.isArray(step.in_parallel) ? step.in_parallel : step.in_parallel.steps).forEach(visit);
    for (const hook of HOOK_KEYS) visit(step[hook]);
  };
  job.plan.forEach(visit);
  for (const hook of HOOK_KEYS) visit(job[hook]);
  return [...found.values()];
}

/** The jobs a job's inputs name in `passed`: it runs after them. */
export function upstreamJobs(inputs: readonly JobInput[]): Set<string> {
  return new Set(inputs.flatMap((i) => i.passed));
}

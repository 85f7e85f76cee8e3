import picomatch from "picomatch";
import { formatPath, type YamlPath } from "./problems.ts";
import { asList, asMap, asString, isDynamic, named } from "./raw.ts";
import { forEachStep, jobsOf, stepResource } from "./walk.ts";

export type Report = (path: YamlPath, message: string) => void;

const SECTIONS = [
  ["resources", "resource"],
  ["resource_types", "resource type"],
  ["jobs", "job"],
  ["groups", "group"],
  ["var_sources", "var source"],
] as const;

/** Two entries of one section with the same name: the later one is reported, pointing at the first. */
export function checkDuplicateNames(pipeline: unknown, report: Report, lineOf: (p: YamlPath) => number | undefined): void {
  const root = asMap(pipeline);
  for (const [section, what] of SECTIONS) {
    const first = new Map<string, number>();
    for (const { index, name } of named(root?.[section])) {
      const earlier = first.get(name);
      if (earlier === undefined) {
        first.set(name, index);
        continue;
      }
      const line = lineOf([section, earlier, "name"]);
      report([section, index, "name"], `${what} ${JSON.stringify(name)} is defined twice (first at ${section}[${earlier}]${line ? `, line ${line}` : ""})`);
    }
  }
}

/**
 * get/put name a resource; passed names jobs that get or put that same
 * resource (otherwise no version could ever pass); groups name jobs (globs
 * allowed, as in Concourse); and a job gets each name once.
 */
export function checkReferences(pipeline: unknown, report: Report): void {
  const root = asMap(pipeline);
  const resources = new Set(named(root?.resources).map((r) => r.name));
  const jobs = jobsOf(pipeline);
  const jobNames = new Set(jobs.flatMap((j) => (j.name === undefined ? [] : [j.name])));
  const touches = resourcesTouchedByJob(pipeline);

  forEachStep(pipeline, ({ step, kind, path }) => {
    if (kind !== "get" && kind !== "put") return;
    const { name: resource, key } = stepResource(step, kind);
    if (resource === undefined || isDynamic(resource)) return;
    if (!resources.has(resource)) {
      report([...path, key], `${kind} refers to resource ${JSON.stringify(resource)}, which is not defined in resources`);
      return;
    }
    if (kind !== "get") return;
    asList(step.passed).forEach((j, i) => {
      const job = asString(j);
      if (job === undefined || isDynamic(job)) return;
      if (!jobNames.has(job)) report([...path, "passed", i], `passed refers to job ${JSON.stringify(job)}, which is not defined in jobs`);
      else if (!touches.get(job)?.has(resource)) {
        report([...path, "passed", i], `passed refers to job ${JSON.stringify(job)}, which does not get or put resource ${JSON.stringify(resource)}`);
      }
    });
  });

  const seenGets = new Map<number, Map<string, YamlPath>>();
  forEachStep(pipeline, ({ step, kind, path, job }) => {
    if (kind !== "get") return;
    const name = asString(step.get);
    if (name === undefined || isDynamic(name)) return;
    const seen = seenGets.get(job.index) ?? new Map<string, YamlPath>();
    seenGets.set(job.index, seen);
    const first = seen.get(name);
    if (first) report([...path, "get"], `this job already has a get named ${JSON.stringify(name)} (at ${formatPath(first)})`);
    else seen.set(name, path);
  });

  const groups = named(root?.groups);
  const grouped = new Set<string>();
  for (const group of groups) {
    asList(group.value.jobs).forEach((j, i) => {
      const pattern = asString(j);
      if (pattern === undefined || isDynamic(pattern)) return;
      const glob = picomatch.scan(pattern).isGlob;
      const isMatch = glob ? picomatch(pattern) : undefined;
      const matches = isMatch ? [...jobNames].filter((n) => isMatch(n)) : jobNames.has(pattern) ? [pattern] : [];
      matches.forEach((m) => grouped.add(m));
      if (matches.length === 0) {
        report(["groups", group.index, "jobs", i], `group ${JSON.stringify(group.name)} lists job ${JSON.stringify(pattern)}, which ${glob ? "matches no job" : "is not defined in jobs"}`);
      }
    });
  }
  // as in Concourse: once there are groups, every job must be in one
  if (groups.length > 0) {
    for (const job of jobs) {
      if (job.name !== undefined && !grouped.has(job.name)) report(["jobs", job.index, "name"], `job ${JSON.stringify(job.name)} belongs to no group`);
    }
  }
}

/** For each job name, the resources its steps get or put. */
export function resourcesTouchedByJob(pipeline: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  forEachStep(pipeline, ({ step, kind, job }) => {
    if (job.name === undefined || (kind !== "get" && kind !== "put")) return;
    const { name } = stepResource(step, kind);
    if (name === undefined) return;
    const set = out.get(job.name) ?? new Set<string>();
    set.add(name);
    out.set(job.name, set);
  });
  return out;
}

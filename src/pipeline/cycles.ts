import type { YamlPath } from "./problems.ts";
import { asList, asString, isDynamic } from "./raw.ts";
import type { Report } from "./references.ts";
import { forEachStep } from "./walk.ts";

interface Edge {
  /** the upstream job named in passed */
  to: string;
  /** the passed entry that names it */
  path: YamlPath;
}

/**
 * Versions flow downstream along `passed`, so the jobs and their passed
 * constraints must form a DAG: a cycle means no version could ever satisfy
 * the constraints of the jobs on it. Each cycle is reported once, at the
 * passed entry that closes it.
 */
export function checkPassedCycles(pipeline: unknown, report: Report): void {
  const edges = new Map<string, Edge[]>();
  forEachStep(pipeline, ({ step, kind, path, job }) => {
    if (kind !== "get" || job.name === undefined) return;
    asList(step.passed).forEach((j, i) => {
      const to = asString(j);
      if (to === undefined || isDynamic(to)) return;
      const list = edges.get(job.name!) ?? [];
      list.push({ to, path: [...path, "passed", i] });
      edges.set(job.name!, list);
    });
  });

  const done = new Set<string>();
  const onStack: string[] = [];
  // where each job on the stack stands: a long chain of passed would make indexOf quadratic
  const depth = new Map<string, number>();
  const reported = new Set<string>();
  const visit = (job: string) => {
    depth.set(job, onStack.length);
    onStack.push(job);
    for (const edge of edges.get(job) ?? []) {
      const at = depth.get(edge.to);
      if (at !== undefined) {
        const cycle = onStack.slice(at);
        const key = [...cycle].sort().join("\u0000");
        if (!reported.has(key)) {
          reported.add(key);
          report(edge.path, cycleMessage(cycle));
        }
      } else if (!done.has(edge.to) && edges.has(edge.to)) visit(edge.to);
    }
    onStack.pop();
    depth.delete(job);
    done.add(job);
  };
  for (const job of edges.keys()) if (!done.has(job)) visit(job);
}

function cycleMessage(cycle: string[]): string {
  if (cycle.length === 1) return `job ${JSON.stringify(cycle[0])} lists itself in passed: a job can only take versions that passed jobs upstream of it`;
  // the cycle as versions would flow: each job takes from the next one's upstream
  const flow = [...cycle].reverse();
  return `passed constraints form a cycle: ${[...flow, flow[0]].map((j) => JSON.stringify(j)).join(" -> ")}`;
}

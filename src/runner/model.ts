/**
 * The pipeline as the scheduler sees it: each resource with how it runs and
 * its row in the store, each job with its inputs, limits and upstream jobs,
 * and the jobs in dependency order (upstream first).
 */
import { createHash } from "node:crypto";
import { declaredTypeNames, effectiveSource, resourceExecution, type ResourceExecution } from "../pipeline/native.ts";
import type { Job, Pipeline, Resource } from "../pipeline/types.ts";
import type { Version } from "../protocol/types.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import type { StateStore } from "../state/index.ts";
import { jobInputs, upstreamJobs, type JobInput } from "./inputs.ts";

export interface ResourceModel {
  config: Resource;
  execution: ResourceExecution;
  /** the source over its resource type's defaults */
  source: Record<string, unknown>;
  /** the store's row for this resource's current config */
  id: number;
  /** versions jobs pin (the resource's own `version:` and get steps' `version: {...}`) */
  pins: Version[];
}

export interface JobModel {
  config: Job;
  name: string;
  inputs: JobInput[];
  /** jobs named in this job's passed constraints */
  upstream: Set<string>;
  /** at most this many builds of the job at once (serial: 1; absent or 0: no limit) */
  maxInFlight: number;
  serialGroups: string[];
}

export class PipelineModel {
  readonly pipeline: Pipeline;
  readonly name: string;
  readonly pipelineId: number;
  readonly resources = new Map<string, ResourceModel>();
  readonly jobs = new Map<string, JobModel>();
  /** upstream jobs before the jobs that name them in passed; otherwise in file order */
  readonly order: JobModel[];
  /** serial group -> the jobs in it */
  readonly serialGroups = new Map<string, string[]>();

  constructor(pipeline: Pipeline, name: string, store: StateStore, registry: ResourceTypeRegistry) {
    this.pipeline = pipeline;
    this.name = name;
    this.pipelineId = store.pipelineId(name);
    const declared = declaredTypeNames(pipeline);
    for (const job of pipeline.jobs ?? []) {
      const inputs = jobInputs(job, pipeline);
      const maxInFlight = job.serial === true ? 1 : job.max_in_flight !== undefined && job.max_in_flight > 0 ? job.max_in_flight : Infinity;
      const groups = job.serial_groups ?? [];
      this.jobs.set(job.name, { config: job, name: job.name, inputs, upstream: upstreamJobs(inputs), maxInFlight, serialGroups: groups });
      for (const g of groups) this.serialGroups.set(g, [...(this.serialGroups.get(g) ?? []), job.name]);
    }
    for (const resource of pipeline.resources ?? []) {
      const source = effectiveSource(resource, pipeline);
      const hash = configHash(resource.type, source);
      this.resources.set(resource.name, {
        config: resource,
        execution: resourceExecution(resource, declared, registry),
        source,
        id: store.versions.resource(this.pipelineId, resource.name, resource.type, hash),
        pins: this.#pinsOf(resource),
      });
    }
    this.order = dependencyOrder([...this.jobs.values()]);
  }

  /** The store's resource id of every resource, by name. */
  resourceIds(): Map<string, number> {
    return new Map([...this.resources].map(([name, r]) => [name, r.id]));
  }

  #pinsOf(resource: Resource): Version[] {
    const pins = resource.version === undefined ? [] : [resource.version];
    for (const job of this.jobs.values()) {
      for (const input of job.inputs) if (input.resource === resource.name && typeof input.version === "object") pins.push(input.version);
    }
    return pins;
  }
}

/** A digest of what makes a resource config: its type and source, keys sorted. */
function configHash(type: string, source: unknown): string {
  return createHash("sha256").update(stableJson({ type, source })).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Kahn's order over passed edges, ties in file order (validation has refused cycles). */
function dependencyOrder(jobs: JobModel[]): JobModel[] {
  const done = new Set<string>();
  const out: JobModel[] = [];
  const names = new Set(jobs.map((j) => j.name));
  while (out.length < jobs.length) {
    const next = jobs.find((j) => !done.has(j.name) && [...j.upstream].every((u) => done.has(u) || !names.has(u)));
    // a cycle cannot pass validation; should one get here, keep file order rather than loop
    const pick = next ?? jobs.find((j) => !done.has(j.name))!;
    done.add(pick.name);
    out.push(pick);
  }
  return out;
}

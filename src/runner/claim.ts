/**
 * Claiming a build: in one immediate transaction, resolve the job's inputs,
 * decide whether it is due, check its limits, and insert the build with its
 * inputs. Another jetway process on the same state waits for the lock and
 * then sees this build (its inputs count as used), so a version never starts
 * two builds of one job.
 */
import type { StateStore, StoredVersion } from "../state/index.ts";
import type { JobModel, PipelineModel } from "./model.ts";
import { resolveInputs, triggeringInputs, type CandidateVersion, type ResolutionData } from "./resolve.ts";

/**
 * scheduled: due when a trigger input has a version the job never used, or
 * when the job has never run (jetway's first-run rule, see docs/architecture.md);
 * manual: `--job`, runs whenever its inputs resolve.
 */
export type ClaimMode = "scheduled" | "manual";

export interface ClaimedBuild {
  id: number;
  number: number;
  inputs: Map<string, CandidateVersion>;
  /** why it runs: "manual", "first run", "trigger: src" */
  reason: string;
}

export type ClaimResult =
  | { kind: "claimed"; build: ClaimedBuild }
  /** inputs resolve but nothing is new */
  | { kind: "not-due"; reason: string }
  /** inputs do not resolve (no versions, passed not satisfied) */
  | { kind: "unresolved"; reason: string }
  /** due, but serial, max_in_flight or a serial group holds it back for now */
  | { kind: "held"; reason: string };

export interface ClaimContext {
  store: StateStore;
  model: PipelineModel;
  runId: number;
  whyNoVersions(resource: string): string | undefined;
  now?: () => number;
}

export function claimBuild(ctx: ClaimContext, job: JobModel, mode: ClaimMode): ClaimResult {
  const { store, model } = ctx;
  return store.transaction(() => {
    const data = resolutionData(ctx, job);
    const resolved = resolveInputs(job.inputs, data);
    if (!resolved.ok) return { kind: "unresolved", reason: resolved.reason };
    let reason = "manual";
    if (mode === "scheduled") {
      const used = (name: string) => store.builds.usedVersions(model.pipelineId, job.name, name).all;
      const triggers = triggeringInputs(job.inputs, resolved.versions, used);
      if (triggers.length > 0) reason = `trigger: ${triggers.join(", ")}`;
      else if (!store.builds.hasBuilds(model.pipelineId, job.name)) reason = "first run";
      else return { kind: "not-due", reason: "no new versions" };
    }
    const held = heldBy(ctx, job);
    if (held !== undefined) return { kind: "held", reason: held };
    const inputs = [...resolved.versions].map(([name, v]) => ({ name, versionId: v.id }));
    const created = store.builds.create({ pipelineId: model.pipelineId, job: job.name, runId: ctx.runId, manual: mode === "manual", inputs }, (ctx.now ?? Date.now)());
    return { kind: "claimed", build: { ...created, inputs: resolved.versions, reason } };
  });
}

/** Why the job may not start another build now, counting builds of every process. */
function heldBy(ctx: ClaimContext, job: JobModel): string | undefined {
  const { store, model } = ctx;
  if (Number.isFinite(job.maxInFlight) && store.builds.countStarted(model.pipelineId, [job.name]) >= job.maxInFlight) {
    return job.maxInFlight === 1 ? "waiting: a build of the job is running (serial)" : `waiting: ${job.maxInFlight} builds of the job are running (max_in_flight)`;
  }
  for (const group of job.serialGroups) {
    const members = model.serialGroups.get(group) ?? [job.name];
    if (store.builds.countStarted(model.pipelineId, members) > 0) return `waiting: serial group ${group} has a build running`;
  }
  return undefined;
}

/** The store's view for one job's resolution, each answer read once per claim. */
function resolutionData(ctx: ClaimContext, job: JobModel): ResolutionData {
  const { store, model } = ctx;
  const versions = new Map<string, CandidateVersion[]>();
  const passed = new Map<string, Map<number, number[]>>();
  const resourceId = (name: string) => model.resources.get(name)?.id;
  return {
    versions(resource) {
      let list = versions.get(resource);
      if (list === undefined) {
        const id = resourceId(resource);
        list = id === undefined ? [] : store.versions.list(id).map(toCandidate);
        versions.set(resource, list);
      }
      return list;
    },
    passedBuilds(upstream, resource) {
      const key = `${upstream}\u0000${resource}`;
      let found = passed.get(key);
      if (found === undefined) {
        const id = resourceId(resource);
        found = id === undefined ? new Map() : store.builds.passedBuilds(model.pipelineId, upstream, id);
        passed.set(key, found);
      }
      return found;
    },
    lastUsed(inputName) {
      return store.builds.usedVersions(model.pipelineId, job.name, inputName).last;
    },
    whyNoVersions: (resource) => ctx.whyNoVersions(resource),
  };
}

function toCandidate(v: StoredVersion): CandidateVersion {
  return { id: v.id, order: v.order, version: v.version };
}

/**
 * Version resolution, as Concourse's scheduler does it: for each input of a
 * job, the versions it may use (the newest first, or for `version: every` the
 * next one after the last used), narrowed by `passed`; then one version per
 * input such that inputs naming the same job in `passed` came out of the SAME
 * succeeded build of that job (the classic fan-in: two resources passed
 * through one job must come from one build of it). A depth-first search with
 * backtracking; candidates are tried in preference order, so the first answer
 * is the one Concourse would choose.
 */
import type { Version } from "../protocol/types.ts";
import { canonicalVersion } from "../state/canonical.ts";
import type { JobInput } from "./inputs.ts";

export interface CandidateVersion {
  id: number;
  /** check order: larger is newer */
  order: number;
  version: Version;
}

/** What resolution reads: the store answers these for one job. */
export interface ResolutionData {
  /** every version of the resource, oldest first */
  versions(resource: string): readonly CandidateVersion[];
  /** version id -> ids of the job's succeeded builds that had the version as an input or output, ascending */
  passedBuilds(job: string, resource: string): ReadonlyMap<number, readonly number[]>;
  /** the version id the job's latest build used for this input */
  lastUsed(inputName: string): number | undefined;
  /** why a resource has no versions, when known ("check failed: ...") */
  whyNoVersions?(resource: string): string | undefined;
}

export type Resolution = { ok: true; versions: Map<string, CandidateVersion> } | { ok: false; reason: string };

/** How many candidate versions one resolution may try before giving up (pathological histories). */
const SEARCH_LIMIT = 100_000;

export function resolveInputs(inputs: readonly JobInput[], data: ResolutionData): Resolution {
  const candidates = new Map<JobInput, CandidateVersion[]>();
  for (const input of inputs) {
    const found = candidatesOf(input, data);
    if (!found.ok) return found;
    candidates.set(input, found.list);
  }
  // the most constrained first: pins, then inputs with passed; keeps the search short
  const rank = (i: JobInput) => (typeof i.version === "object" ? 0 : i.passed.length > 0 ? 1 : 2);
  const order = [...inputs].sort((a, b) => rank(a) - rank(b));

  const chosen = new Map<string, CandidateVersion>();
  let tries = 0;
  const search = (index: number, allowed: ReadonlyMap<string, ReadonlySet<number>>): boolean => {
    if (index === order.length) return true;
    const input = order[index]!;
    for (const candidate of candidates.get(input)!) {
      if (++tries > SEARCH_LIMIT) return false;
      const narrowed = narrow(input, candidate, allowed, data);
      if (narrowed === undefined) continue;
      chosen.set(input.name, candidate);
      if (search(index + 1, narrowed)) return true;
    }
    chosen.delete(input.name);
    return false;
  };
  if (search(0, new Map())) return { ok: true, versions: chosen };
  if (tries > SEARCH_LIMIT) return { ok: false, reason: `gave up after trying ${SEARCH_LIMIT} versions: the passed constraints leave too many combinations` };
  return { ok: false, reason: conflictReason(inputs) };
}

/**
 * The builds of each passed job still possible once `input` takes
 * `candidate`: an intersection per job; undefined when one becomes empty.
 */
function narrow(
  input: JobInput,
  candidate: CandidateVersion,
  allowed: ReadonlyMap<string, ReadonlySet<number>>,
  data: ResolutionData,
): Map<string, ReadonlySet<number>> | undefined {
  const next = new Map(allowed);
  for (const job of input.passed) {
    const builds = data.passedBuilds(job, input.resource).get(candidate.id) ?? [];
    const before = allowed.get(job);
    const kept = new Set(before === undefined ? builds : builds.filter((b) => before.has(b)));
    if (kept.size === 0) return undefined;
    next.set(job, kept);
  }
  return next;
}

function candidatesOf(input: JobInput, data: ResolutionData): { ok: true; list: CandidateVersion[] } | { ok: false; reason: string } {
  const all = data.versions(input.resource);
  if (all.length === 0) {
    const why = data.whyNoVersions?.(input.resource);
    return { ok: false, reason: `${input.name}: no version of ${input.resource} yet${why ? ` (${why})` : ""}` };
  }
  let pool = all;
  if (input.passed.length > 0) {
    for (const job of input.passed) {
      const passed = data.passedBuilds(job, input.resource);
      pool = pool.filter((v) => passed.has(v.id));
      if (pool.length === 0) {
        const through = input.passed.length === 1 ? job : `all of ${input.passed.join(", ")} (none passed ${job})`;
        return { ok: false, reason: `${input.name}: no version of ${input.resource} has passed ${through}` };
      }
    }
  }
  if (typeof input.version === "object") {
    const wanted = canonicalVersion(input.version);
    const pin = input.version;
    // a pin may name only some fields (as `fly pin-resource -v ref:...`): the newest version holding them
    const pinned = [...pool].reverse().filter((v) => matchesPin(v.version, pin));
    if (pinned.length === 0) {
      const where = pool === all ? `among the versions of ${input.resource}` : `among the versions of ${input.resource} that passed ${input.passed.join(", ")}`;
      return { ok: false, reason: `${input.name}: pinned version ${wanted} is not ${where}` };
    }
    return { ok: true, list: pinned };
  }
  const newestFirst = input.passed.length > 0 ? byLatestPassingBuild(pool, input, data) : [...pool].reverse();
  if (input.version === "every") {
    const last = data.lastUsed(input.name);
    const lastOrder = last === undefined ? undefined : all.find((v) => v.id === last)?.order;
    if (lastOrder !== undefined) {
      const newer = pool.filter((v) => v.order > lastOrder);
      const rest = newestFirst.filter((v) => v.order <= lastOrder);
      return { ok: true, list: [...newer, ...rest] };
    }
  }
  return { ok: true, list: newestFirst };
}

/** With passed, the version most recently passed through the first listed job comes first (Concourse orders by build). */
function byLatestPassingBuild(pool: readonly CandidateVersion[], input: JobInput, data: ResolutionData): CandidateVersion[] {
  const builds = data.passedBuilds(input.passed[0]!, input.resource);
  const latest = (v: CandidateVersion) => builds.get(v.id)?.at(-1) ?? 0;
  return [...pool].sort((a, b) => latest(b) - latest(a) || b.order - a.order);
}

function conflictReason(inputs: readonly JobInput[]): string {
  const byJob = new Map<string, string[]>();
  for (const input of inputs) for (const job of input.passed) byJob.set(job, [...(byJob.get(job) ?? []), input.name]);
  const shared = [...byJob].filter(([, names]) => names.length > 1);
  if (shared.length === 0) return "no combination of versions satisfies the passed constraints";
  return shared.map(([job, names]) => `${names.join(" and ")} have no versions that passed ${job} in the same build`).join("; ");
}

/**
 * A trigger: a `trigger: true` input whose chosen version this job has never
 * used for that input (Concourse's "first occurrence").
 */
export function triggeringInputs(inputs: readonly JobInput[], chosen: ReadonlyMap<string, CandidateVersion>, used: (inputName: string) => ReadonlySet<number>): string[] {
  return inputs.filter((i) => i.trigger && !used(i.name).has(chosen.get(i.name)!.id)).map((i) => i.name);
}

/** A version matches a pin when it has every field of the pin with the same value (the pin may name only some). */
export function matchesPin(version: Version, pin: Version): boolean {
  return Object.entries(pin).every(([k, v]) => version[k] === v);
}

/** get: one version of a resource into a fresh volume, registered under the step's name. */
import type { GetStep } from "../../../pipeline/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import type { Version } from "../../../protocol/types.ts";
import type { StepContext } from "../context.ts";
import { SUCCEEDED, type Result } from "../outcome.ts";
import { fetchArtifact, findResource } from "../resource.ts";
import type { StepRef } from "../types.ts";

export async function runGet(step: GetStep, ref: StepRef, ctx: StepContext): Promise<Result> {
  const { options } = ctx.build;
  const resource = findResource(options.pipeline, step.resource ?? step.get, ref);
  const version = chosenVersion(step, ctx) ?? resource.version;
  if (version === undefined) {
    throw new JetwayError("INVALID_CONFIG", `get ${step.get}: no version of ${resource.name} was chosen for this build`);
  }
  const fetched = await fetchArtifact(ctx, ref, resource, version, step.params, step.get);
  options.recorder.input(ref, resource.name, fetched.version, fetched.metadata);
  return SUCCEEDED;
}

/** A pinned `version:` on the step wins; `latest` and `every` are the scheduler's to resolve. */
function chosenVersion(step: GetStep, ctx: StepContext): Version | undefined {
  if (typeof step.version === "object") return step.version;
  return ctx.build.options.inputs.get(step.get);
}

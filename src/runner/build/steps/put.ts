/** put: the resource's `out` over the chosen inputs, then the implicit get of the new version. */
import type { PutStep } from "../../../pipeline/types.ts";
import type { StepContext } from "../context.ts";
import { SUCCEEDED, type Result } from "../outcome.ts";
import { recorded } from "../record.ts";
import { effectiveSource, fetchArtifact, findResource, resourceRequest, runResource, type InOutResult } from "../resource.ts";
import type { StepRef } from "../types.ts";
import { assemblePutInputs, selectPutInputs } from "./put-inputs.ts";

/**
 * Records the put and, unless `no_get`, its implicit get (id `<put id>.get`),
 * whose artifact takes the put step's name, as in Concourse.
 */
export async function runPut(step: PutStep, ref: StepRef, childPrefix: string, ctx: StepContext): Promise<Result> {
  const { options } = ctx.build;
  let created: InOutResult | undefined;
  const resourceName = step.resource ?? step.put;
  const put = await recorded(ref, ctx, async () => {
    const resource = findResource(options.pipeline, resourceName, ref);
    const inputs = selectPutInputs(step.put, step.inputs, step.params, ctx.scope);
    const volume = await ctx.build.volume(ref, "put");
    await assemblePutInputs(step.put, volume, inputs, options.driver.name);
    const source = effectiveSource(options.pipeline, resource);
    created = await runResource("out", ctx, ref, resource, resourceRequest(source, step.params), volume);
    options.recorder.output(ref, resource.name, created.version, created.metadata);
    return SUCCEEDED;
  });
  if (put.status !== "succeeded" || step.no_get || created === undefined) return put;

  const version = created.version;
  const getRef: StepRef = { id: `${childPrefix}.get`, kind: "get", name: step.put };
  if (ref.values !== undefined) getRef.values = ref.values;
  return recorded(getRef, ctx, async () => {
    const resource = findResource(options.pipeline, resourceName, ref);
    await fetchArtifact(ctx, getRef, resource, version, step.get_params, step.put);
    return SUCCEEDED;
  });
}

/** Resources as steps use them: the pipeline's config, and get/put through the executor. */
import * as z from "zod";
import type { Volume } from "../../orchestra/types.ts";
import type { Pipeline, Resource } from "../../pipeline/types.ts";
import { JetwayError } from "../../protocol/errors.ts";
import type { Metadata, Version } from "../../protocol/types.ts";
import type { StepContext } from "./context.ts";
import type { StepRef } from "./types.ts";

export function findResource(pipeline: Pipeline, name: string, step: StepRef): Resource {
  const resource = pipeline.resources?.find((r) => r.name === name);
  if (resource === undefined) throw new JetwayError("INVALID_CONFIG", `${step.kind} ${step.name}: unknown resource ${JSON.stringify(name)}`);
  return resource;
}

/** The resource's source over its type's `defaults` (a resource_types entry of that name), key by key. */
export function effectiveSource(pipeline: Pipeline, resource: Resource): Record<string, unknown> {
  const defaults = pipeline.resource_types?.find((t) => t.name === resource.type)?.defaults ?? {};
  return { ...defaults, ...(resource.source ?? {}) };
}

const responseSchema = z.looseObject({
  version: z.record(z.string(), z.string()),
  metadata: z
    .array(z.looseObject({ name: z.string(), value: z.string() }))
    .nullable()
    .optional(),
});

export interface InOutResult {
  version: Version;
  metadata: Metadata;
}

/** Runs in or out through the executor, its stderr into the step's log; errors name the resource. */
export async function runResource(
  op: "in" | "out",
  ctx: StepContext,
  ref: StepRef,
  resource: Resource,
  request: Record<string, unknown>,
  volume: Volume,
): Promise<InOutResult> {
  const { options } = ctx.build;
  const result = await options.executor.run(
    {
      op,
      resourceName: resource.name,
      type: resource.type,
      request,
      volume,
      env: ctx.build.resourceEnv(),
      signal: ctx.signal,
      stderr: (text) => options.recorder.log(ref, "stderr", text),
      ...(resource.native !== undefined && { native: resource.native }),
      ...(options.pipeline.resource_types !== undefined && { resourceTypes: options.pipeline.resource_types }),
    },
    options.driver,
  );
  const parsed = responseSchema.safeParse(result.response);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new JetwayError("OPERATION_FAILED", `${resource.name}: ${op} returned an invalid response: ${where}${issue?.message ?? "invalid"}`);
  }
  const metadata = parsed.data.metadata === undefined || parsed.data.metadata === null ? null : parsed.data.metadata.map(({ name, value }) => ({ name, value }));
  return { version: parsed.data.version, metadata };
}

/**
 * The request body, with Concourse's omitempty: params (and for in the
 * version) only when given; an absent source is an empty one.
 */
export function resourceRequest(source: Record<string, unknown>, params: Record<string, unknown> | undefined, version?: Version): Record<string, unknown> {
  const request: Record<string, unknown> = { source };
  if (version !== undefined) request.version = version;
  if (params !== undefined && Object.keys(params).length > 0) request.params = params;
  return request;
}

/** Fetches `version` of `resource` into a fresh volume and makes it the artifact `artifactName`. */
export async function fetchArtifact(
  ctx: StepContext,
  ref: StepRef,
  resource: Resource,
  version: Version,
  params: Record<string, unknown> | undefined,
  artifactName: string,
): Promise<InOutResult> {
  const source = effectiveSource(ctx.build.options.pipeline, resource);
  const volume = await ctx.build.volume(ref, "get");
  const fetched = await runResource("in", ctx, ref, resource, resourceRequest(source, params, version), volume);
  ctx.scope.setArtifact(artifactName, { volume, fetched: { type: resource.type, source, version: fetched.version } });
  return fetched;
}

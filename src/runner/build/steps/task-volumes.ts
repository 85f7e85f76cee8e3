/** Which volumes a task sees where: its inputs (artifacts), fresh outputs, and its caches. */
import { posix } from "node:path";
import type { Volume } from "../../../orchestra/types.ts";
import type { TaskConfig, TaskStep } from "../../../pipeline/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import type { StepContext } from "../context.ts";
import type { StepRef } from "../types.ts";

export interface PlacedVolume {
  volume: Volume;
  /** relative to the task's working dir */
  path: string;
}

export interface TaskVolumes {
  mounts: PlacedVolume[];
  /** artifact name (after output_mapping) -> volume, registered once the task has run */
  outputs: Map<string, Volume>;
}

export async function taskVolumes(step: TaskStep, config: TaskConfig, ref: StepRef, ctx: StepContext): Promise<TaskVolumes> {
  const what = `task ${step.task}`;
  const mounts: PlacedVolume[] = [];
  const inputAt = new Map<string, Volume>();
  const missing: string[] = [];
  for (const input of config.inputs ?? []) {
    const name = step.input_mapping?.[input.name] ?? input.name;
    const artifact = ctx.scope.artifact(name);
    if (artifact === undefined) {
      if (!input.optional) missing.push(name);
      continue;
    }
    const path = relativePath(input.path ?? input.name, `${what}: input ${input.name}`);
    mounts.push({ volume: artifact.volume, path });
    inputAt.set(path, artifact.volume);
  }
  if (missing.length > 0) throw new JetwayError("INVALID_CONFIG", `${what}: missing inputs: ${missing.join(", ")}`);

  const outputs = new Map<string, Volume>();
  for (const output of config.outputs ?? []) {
    const path = relativePath(output.path ?? output.name, `${what}: output ${output.name}`);
    // an output at an input's path is that input, changed in place (Concourse starts it from the input too)
    let volume = inputAt.get(path);
    if (volume === undefined) {
      volume = await ctx.build.volume(ref, `output/${output.name}`);
      mounts.push({ volume, path });
    }
    outputs.set(step.output_mapping?.[output.name] ?? output.name, volume);
  }
  for (const cache of config.caches ?? []) {
    const path = relativePath(cache.path, `${what}: cache`);
    mounts.push({ volume: await ctx.build.cacheVolume(step.task, path), path });
  }
  return { mounts, outputs };
}

/** A path inside the working dir, normalised ("." for the working dir itself). */
export function relativePath(path: string, what: string): string {
  const normal = posix.normalize(path).replace(/\/+$/, "");
  if (posix.isAbsolute(normal) || normal === ".." || normal.startsWith("../")) {
    throw new JetwayError("INVALID_CONFIG", `${what}: path ${JSON.stringify(path)} must stay inside the task's working dir`);
  }
  return normal === "" ? "." : normal;
}

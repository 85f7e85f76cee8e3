/**
 * task: the config's inputs mounted from artifacts, fresh volumes for its
 * outputs, its caches, and the process run through the driver. A non-zero
 * exit is a failure; anything that keeps the process from running is an error.
 */
import { posix } from "node:path";
import { DEFAULT_WORKING_DIR } from "../../../orchestra/task.ts";
import type { Task } from "../../../orchestra/types.ts";
import type { TaskConfig, TaskStep } from "../../../pipeline/types.ts";
import type { StepContext } from "../context.ts";
import { SUCCEEDED, type Result } from "../outcome.ts";
import type { StepRef } from "../types.ts";
import { runToExit } from "./container.ts";
import { loadTaskConfig } from "./task-config.ts";
import { taskImage } from "./task-image.ts";
import { taskEnv, taskLimits } from "./task-limits.ts";
import { relativePath, taskVolumes, type PlacedVolume } from "./task-volumes.ts";

export async function runTask(step: TaskStep, ref: StepRef, ctx: StepContext): Promise<Result> {
  const { options } = ctx.build;
  const config = await loadTaskConfig(step, ctx);
  const image = taskImage(step, config, ctx.scope, options.driver.name);
  const limits = taskLimits(config.container_limits, step.container_limits, `task ${step.task}`);
  const { mounts, outputs } = await taskVolumes(step, config, ref, ctx);

  const task: Task = { id: ctx.build.containerId(ref), image, env: taskEnv(config.params, step.params), ...placeProcess(step, config, mounts, options.driver.name) };
  if (config.run.user !== undefined) task.user = config.run.user;
  if (step.privileged) task.privileged = true;
  if (limits !== undefined) task.limits = limits;

  const exitCode = await runToExit(options.driver, task, ref, options.recorder, ctx.signal);
  // Concourse keeps a task's outputs whatever its exit code, for hooks to look at
  for (const [name, volume] of outputs) ctx.scope.setArtifact(name, { volume });
  return exitCode === 0 ? SUCCEEDED : { status: "failed", detail: `exit status ${exitCode}` };
}

/**
 * The command, mounts and working dir. `run.dir` is where the process starts,
 * inside the working dir that holds the mounts. Container drivers are told so
 * directly (absolute mount paths, workingDir = run.dir); the native driver
 * starts every process in the working dir itself, so a shell steps into
 * run.dir first.
 */
export function placeProcess(step: TaskStep, config: TaskConfig, mounts: readonly PlacedVolume[], driver: string): Pick<Task, "command" | "mounts" | "workingDir"> {
  const dir = config.run.dir === undefined ? "." : relativePath(config.run.dir, `task ${step.task}: run.dir`);
  const command = [config.run.path, ...(config.run.args ?? [])];
  if (dir === ".") return { command, mounts: mounts.map(({ volume, path }) => ({ volume: volume.name, path })) };
  if (driver === "native") {
    return {
      command: ["sh", "-c", 'cd "$1" || exit 1; shift; exec "$@"', "sh", dir, ...command],
      mounts: mounts.map(({ volume, path }) => ({ volume: volume.name, path })),
    };
  }
  return {
    command,
    workingDir: posix.join(DEFAULT_WORKING_DIR, dir),
    mounts: mounts.map(({ volume, path }) => ({ volume: volume.name, path: posix.join(DEFAULT_WORKING_DIR, path) })),
  };
}

/**
 * Task validation and the path rules every driver shares. runContainer is a
 * boundary: a task is checked here once, with one line naming the bad key.
 */
import { posix } from "node:path";
import * as z from "zod";
import { JetwayError } from "../protocol/errors.ts";
import type { DriverFeatures, Task, TaskBind, TaskMount } from "./types.ts";

/** Where a task runs when it names no working dir (container drivers; native uses its own dir). */
export const DEFAULT_WORKING_DIR = "/tmp/build/work";

const envName = z.string().regex(/^[^=\0]+$/, "must be non-empty with no '=' or NUL");
const noNul = z.string().regex(/^[^\0]*$/, "must not contain NUL");

const containerPath = z
  .string()
  .min(1)
  .refine((p) => !p.split("/").includes(".."), "must not contain '..'");

const mountSchema = z.object({
  volume: z.string().min(1),
  path: containerPath,
  readOnly: z.boolean().optional(),
});

const bindSchema = z.object({
  hostPath: z.string().refine((p) => posix.isAbsolute(p), "must be an absolute path"),
  path: containerPath,
});

const initContainerSchema = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label").max(63),
  image: z.string().min(1),
  command: z.array(noNul).min(1, "must name a program"),
  mounts: z.array(mountSchema).optional(),
});

const taskSchema = z.object({
  id: z.string().min(1),
  image: z.string(),
  command: z.array(noNul).min(1, "must name a program"),
  env: z.record(envName, noNul).optional(),
  mounts: z.array(mountSchema).optional(),
  stdin: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
  user: z.string().min(1).optional(),
  privileged: z.boolean().optional(),
  limits: z
    .object({
      cpu: z.number().int().positive().optional(),
      memory: z.number().int().positive().optional(),
    })
    .optional(),
  workingDir: z
    .string()
    .refine((p) => posix.isAbsolute(p), "must be an absolute path")
    .optional(),
  binds: z.array(bindSchema).optional(),
  initContainers: z.array(initContainerSchema).optional(),
  scratchVolumes: z.array(z.string().min(1)).optional(),
});

/**
 * Checks a task at the driver boundary; throws INVALID_CONFIG naming the first bad key.
 * `features` are the driver's: a task asking for binds or pod parts it lacks is refused
 * rather than run without them.
 */
export function validateTask(task: Task, driver: string, features: DriverFeatures = {}): Task {
  const parsed = taskSchema.safeParse(task);
  const id = typeof task?.id === "string" && task.id !== "" ? ` ${JSON.stringify(task.id)}` : "";
  if (!parsed.success) {
    throw new JetwayError("INVALID_CONFIG", `${driver} driver: task${id}: ${describeIssue(parsed.error.issues[0])}`);
  }
  const refuse = (what: string, needs: string) =>
    new JetwayError("INVALID_CONFIG", `${driver} driver: task${id}: ${what} need a driver that ${needs}`);
  if ((task.binds?.length ?? 0) > 0 && !features.hostBinds) throw refuse("binds", "can bind-mount host folders (docker)");
  if ((task.initContainers?.length ?? 0) > 0 && !features.pods) throw refuse("initContainers", "runs pods (k8s)");
  if ((task.scratchVolumes?.length ?? 0) > 0 && !features.pods) throw refuse("scratchVolumes", "runs pods (k8s)");
  const seen = new Set<string>();
  for (const path of [...(task.mounts ?? []), ...(task.binds ?? [])].map((m) => mountPath(task, m))) {
    if (seen.has(path)) {
      throw new JetwayError("INVALID_CONFIG", `${driver} driver: task ${JSON.stringify(task.id)}: two mounts at ${path}`);
    }
    seen.add(path);
  }
  return task;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return "invalid";
  // a bad record key: say which key and why, rather than zod's generic "Invalid key in record"
  if (issue.code === "invalid_key") {
    const key = issue.path.at(-1);
    const parent = issue.path.slice(0, -1).join(".");
    return `${parent}: key ${JSON.stringify(key)} ${issue.issues[0]?.message ?? "is invalid"}`;
  }
  return `${issue.path.length ? issue.path.join(".") : "task"}: ${issue.message}`;
}

/** The task's working dir inside the container. */
export function workingDir(task: Task): string {
  return posix.normalize(task.workingDir ?? DEFAULT_WORKING_DIR);
}

/** Absolute in-container path of a mount: relative paths resolve against the working dir. */
export function mountPath(task: Task, mount: TaskMount | TaskBind): string {
  return posix.isAbsolute(mount.path) ? posix.normalize(mount.path) : posix.join(workingDir(task), mount.path);
}

export function stdinBytes(task: Task): Uint8Array | undefined {
  if (task.stdin === undefined) return undefined;
  return typeof task.stdin === "string" ? Buffer.from(task.stdin, "utf8") : task.stdin;
}

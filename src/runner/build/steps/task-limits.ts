/** container_limits of a task and its step, as the driver's TaskLimits; params as the process env. */
import type { ContainerLimits } from "../../../pipeline/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import type { TaskLimits } from "../../../orchestra/types.ts";

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** The step's limits override the config's, key by key; 0 or null means no limit. */
export function taskLimits(config: ContainerLimits | undefined, step: ContainerLimits | undefined, what: string): TaskLimits | undefined {
  const cpu = step?.cpu !== undefined ? step.cpu : config?.cpu;
  const memory = step?.memory !== undefined ? step.memory : config?.memory;
  const limits: TaskLimits = {};
  if (typeof cpu === "number" && cpu > 0) limits.cpu = cpu;
  const bytes = memory === null || memory === undefined ? 0 : memoryBytes(memory, what);
  if (bytes > 0) limits.memory = bytes;
  return limits.cpu === undefined && limits.memory === undefined ? undefined : limits;
}

/** Bytes, or a size such as 512MB or 1G: binary multiples, as Concourse reads them. */
function memoryBytes(memory: number | string, what: string): number {
  if (typeof memory === "number") return memory;
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(memory.trim());
  if (!match) throw new JetwayError("INVALID_CONFIG", `${what}: container_limits.memory: ${JSON.stringify(memory)} is not a size such as 512MB or 1GB`);
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? "").toLowerCase()] ?? 1));
}

/** The config's params under the step's; values that are not strings become JSON, null becomes empty. */
export function taskEnv(configParams: Record<string, unknown> | undefined, stepParams: Record<string, unknown> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...configParams, ...stepParams })) {
    env[name] = typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(value);
  }
  return env;
}

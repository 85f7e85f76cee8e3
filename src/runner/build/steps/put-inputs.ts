/**
 * Which artifacts a put sees, and the directory that holds them. Concourse
 * hands `out` one directory with each input as a subdirectory; here that is a
 * fresh volume with a copy of each input (a reflink where the filesystem can),
 * so the put cannot change the artifacts later steps get, and the volume works
 * the same in-process and bind-mounted into a container (symlinks to host
 * paths would dangle there).
 */
import { constants } from "node:fs";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import type { Volume } from "../../../orchestra/types.ts";
import type { PutInputs } from "../../../pipeline/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import type { Artifact, Scope } from "../scope.ts";

/** all (the default): every artifact; detect: those the params name; a list: exactly those. */
export function selectPutInputs(put: string, inputs: PutInputs | undefined, params: unknown, scope: Scope): Map<string, Artifact> {
  const available = scope.artifacts();
  if (inputs === undefined || inputs === "all") return available;
  const names = inputs === "detect" ? detectedNames(params, available) : inputs;
  const missing = names.filter((name) => !available.has(name));
  if (missing.length > 0) throw new JetwayError("INVALID_CONFIG", `put ${put}: missing inputs: ${missing.join(", ")}`);
  return new Map(names.map((name) => [name, available.get(name) as Artifact]));
}

/**
 * Concourse's detect: every string in the params, at any depth, whose first
 * path segment is an artifact's name (`repo/version.txt` -> repo).
 */
function detectedNames(params: unknown, available: ReadonlyMap<string, Artifact>): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      const first = value.replace(/^(\.\/)+/, "").split("/")[0] ?? "";
      if (available.has(first)) found.add(first);
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === "object") {
      Object.values(value).forEach(walk);
    }
  };
  walk(params);
  return [...found];
}

/** Copies each input into `<volume>/<name>`. */
export async function assemblePutInputs(put: string, volume: Volume, inputs: ReadonlyMap<string, Artifact>, driver: string): Promise<void> {
  const target = volume.hostPath;
  if (target === undefined) throw noHostPath(put, volume.name, driver);
  for (const [name, artifact] of inputs) {
    const from = artifact.volume.hostPath;
    if (from === undefined) throw noHostPath(put, artifact.volume.name, driver);
    await cp(from, join(target, name), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, mode: constants.COPYFILE_FICLONE });
  }
}

function noHostPath(put: string, volume: string, driver: string): JetwayError {
  return new JetwayError("DRIVER_FAILED", `put ${put}: volume ${volume} of the ${driver} driver has no host path, so the put's inputs cannot be gathered`);
}

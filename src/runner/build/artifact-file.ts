/** Files named as `artifact/path/inside` (task `file:`, load_var `file:`), read from the artifact's volume. */
import { readFile } from "node:fs/promises";
import { JetwayError } from "../../protocol/errors.ts";
import { safeJoin } from "../../protocol/paths.ts";
import type { Scope } from "./scope.ts";

/** `what` names the step and key for messages, e.g. "task unit: file". */
export async function readArtifactFile(scope: Scope, path: string, what: string, driver: string): Promise<string> {
  const slash = path.indexOf("/");
  const name = slash < 0 ? path : path.slice(0, slash);
  const inside = slash < 0 ? "" : path.slice(slash + 1);
  if (inside === "") throw new JetwayError("INVALID_CONFIG", `${what}: ${JSON.stringify(path)} must be an artifact name followed by a path inside it`);
  const artifact = scope.artifact(name);
  if (artifact === undefined) throw new JetwayError("INVALID_CONFIG", `${what}: unknown artifact source: ${name}`);
  const root = artifact.volume.hostPath;
  if (root === undefined) {
    throw new JetwayError("DRIVER_FAILED", `${what}: artifact ${name} is a volume of the ${driver} driver with no host path, so ${JSON.stringify(path)} cannot be read`);
  }
  const file = safeJoin(root, inside, what);
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new JetwayError("OPERATION_FAILED", `${what}: ${path}: ${why}`);
  }
}

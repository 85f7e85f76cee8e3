import { isAbsolute, relative, resolve } from "node:path";
import { JetwayError } from "./errors.ts";

/**
 * Resolves `path` under `root` and refuses anything that would land outside
 * it (`..`, absolute paths). `what` names the offending key in the message.
 */
export function safeJoin(root: string, path: string, what: string): string {
  const base = resolve(root);
  const target = resolve(base, path);
  const rel = relative(base, target);
  if (path === "" || rel === "" || rel.startsWith("..") || isAbsolute(rel) || path.includes("\0")) {
    throw new JetwayError("PATH_ESCAPE", `${what}: path ${JSON.stringify(path)} escapes the destination directory`);
  }
  return target;
}

/** The native driver's factory: `native` or `native?root=/some/dir`. */
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import * as z from "zod";
import { validateNamespace } from "../names.ts";
import { noTarget, parseParams } from "../params.ts";
import type { DriverFactory } from "../types.ts";
import { warnOnce } from "../warnings.ts";
import { findTool } from "./command.ts";
import { NativeDriver } from "./driver.ts";

export { NativeDriver } from "./driver.ts";
export { DEFAULT_PATH } from "./command.ts";
export { niceForCpuShares } from "./limits.ts";

const paramsSchema = z.object({
  /** folder holding one folder per namespace; default $TMPDIR/jetway-native */
  root: z.string().refine(isAbsolute, "must be an absolute path").optional(),
});

/** Where namespaces live when no root is given. */
export function defaultNativeRoot(): string {
  return join(tmpdir(), "jetway-native");
}

function limitTools(): { prlimit?: string; nice?: string } {
  const prlimit = findTool("prlimit");
  const nice = findTool("nice");
  return { ...(prlimit ? { prlimit } : {}), ...(nice ? { nice } : {}) };
}

export const nativeDriver: DriverFactory = {
  name: "native",
  async create(options) {
    noTarget("native", options.target);
    const params = parseParams("native", paramsSchema, options.params);
    const namespace = validateNamespace(options.namespace);
    const dir = join(params.root ?? defaultNativeRoot(), namespace);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    return new NativeDriver({ namespace, dir, warn: warnOnce(options.warn), tools: limitTools() });
  },
};

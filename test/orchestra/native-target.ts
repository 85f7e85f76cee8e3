/** The native driver: always available; the host's /bin/sh is the "shell image". */
import { mkdtemp, readdir, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DriverTarget } from "./targets.ts";

export const nativeTarget: DriverTarget = {
  name: "native",
  driver: "native",
  async setup() {
    const root = await mkdtemp(join(tmpdir(), "jetway-native-test-"));
    return {
      spec: `native?root=${encodeURIComponent(root)}`,
      shellImage: "host",
      leftovers: (namespace) => nativeLeftovers(root, namespace),
      teardown: () => rm(root, { recursive: true, force: true }),
    };
  },
};

/** The namespace folder's entries, and every process whose working dir lies inside it. */
export async function nativeLeftovers(root: string, namespace: string): Promise<string[]> {
  const dir = join(root, namespace);
  const found: string[] = [];
  try {
    for (const entry of await readdir(dir, { recursive: true })) found.push(`file ${join(dir, entry)}`);
    found.push(`folder ${dir}`);
  } catch {
    // no folder: nothing left on disk
  }
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cwd = await readlink(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(`process ${pid} in ${cwd}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

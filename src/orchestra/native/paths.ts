/**
 * Where a native task's things live, under the namespace folder:
 *   containers/<task>/            the working dir (mounts are symlinks in it)
 *   containers/<task>.stdout      the logs, written by the process itself
 *   containers/<task>.stderr
 *   containers/<task>.exit-code   written when the process ends
 * The files sit beside the working dir rather than in a folder of their own:
 * each folder is a mkdir at the start and an rmdir at cleanup, and rmdir is
 * the dearest file operation of a task's life on a busy ext4 (bench/orchestra.ts).
 */
import { join } from "node:path";
import { safeName } from "../names.ts";

export interface ContainerPaths {
  work: string;
  stdout: string;
  stderr: string;
  exitCode: string;
}

export function containerPaths(namespaceDir: string, taskId: string): ContainerPaths {
  const base = join(namespaceDir, "containers", safeName(taskId));
  return { work: base, stdout: `${base}.stdout`, stderr: `${base}.stderr`, exitCode: `${base}.exit-code` };
}

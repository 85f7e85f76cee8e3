/**
 * Which program a native task runs. The task's env is passed as it is, so when
 * it has no PATH nothing would tell us where `sh` or `echo` live: the program
 * is then looked up in DEFAULT_PATH (Docker's default for images without one),
 * while the process itself still gets no PATH variable.
 *
 * Synchronous on purpose: a few stat calls cost microseconds on the event loop,
 * while each trip through libuv's thread pool costs a millisecond or more on a
 * loaded machine, and the lookup sits on every task's start.
 */
import { accessSync, constants, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export type Resolved = { ok: true; path: string } | { ok: false; reason: string };

/** A program name with a slash is a path (relative to `cwd`); a bare name is searched in PATH. */
export function resolveCommand(program: string, envPath: string | undefined, cwd: string): Resolved {
  if (program.includes("/")) {
    const path = resolve(cwd, program);
    return isExecutableFile(path)
      ? { ok: true, path }
      : { ok: false, reason: `command ${JSON.stringify(program)} is not an executable file` };
  }
  const searchPath = envPath ?? DEFAULT_PATH;
  for (const dir of searchPath.split(":")) {
    // an empty PATH entry means the current directory, as in execvp
    const candidate = join(dir === "" ? cwd : resolve(cwd, dir), program);
    if (isExecutableFile(candidate)) return { ok: true, path: candidate };
  }
  const where = envPath === undefined ? `the default PATH ${DEFAULT_PATH} (the task sets no PATH)` : `PATH ${envPath}`;
  return { ok: false, reason: `command ${JSON.stringify(program)} not found in ${where}` };
}

function isExecutableFile(path: string): boolean {
  try {
    // no exception for the usual miss along PATH: building one costs more than the lookup
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable `name` in DEFAULT_PATH, for helper tools such as prlimit. */
export function findTool(name: string): string | undefined {
  const found = resolveCommand(name, DEFAULT_PATH, "/");
  return found.ok ? found.path : undefined;
}

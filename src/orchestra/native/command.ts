/**
 * Which program a native task runs. The task's env is passed as it is, so when
 * it has no PATH nothing would tell us where `sh` or `echo` live: the program
 * is then looked up in DEFAULT_PATH (Docker's default for images without one),
 * while the process itself still gets no PATH variable.
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export type Resolved = { ok: true; path: string } | { ok: false; reason: string };

/** A program name with a slash is a path (relative to `cwd`); a bare name is searched in PATH. */
export async function resolveCommand(program: string, envPath: string | undefined, cwd: string): Promise<Resolved> {
  if (program.includes("/")) {
    const path = resolve(cwd, program);
    return (await isExecutableFile(path))
      ? { ok: true, path }
      : { ok: false, reason: `command ${JSON.stringify(program)} is not an executable file` };
  }
  const searchPath = envPath ?? DEFAULT_PATH;
  for (const dir of searchPath.split(":")) {
    // an empty PATH entry means the current directory, as in execvp
    const candidate = join(dir === "" ? cwd : resolve(cwd, dir), program);
    if (await isExecutableFile(candidate)) return { ok: true, path: candidate };
  }
  const where = envPath === undefined ? `the default PATH ${DEFAULT_PATH} (the task sets no PATH)` : `PATH ${envPath}`;
  return { ok: false, reason: `command ${JSON.stringify(program)} not found in ${where}` };
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable `name` in DEFAULT_PATH, for helper tools such as prlimit. */
export async function findTool(name: string): Promise<string | undefined> {
  const found = await resolveCommand(name, DEFAULT_PATH, "/");
  return found.ok ? found.path : undefined;
}

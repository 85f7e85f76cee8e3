/**
 * The native driver: tasks are host processes. Layout under the namespace dir:
 *   containers/<task>/ and containers/<task>.{stdout,stderr,exit-code}   per task (paths.ts)
 *   volumes/<volume>/                                                   per volume
 * A mount is a symlink at the mount path inside the task's working dir pointing
 * at the volume folder, so a task writing `out/x` writes into the volume itself.
 *
 * Starting a task makes a few folders, links and files with synchronous calls:
 * microseconds each, where a trip through libuv's thread pool costs a
 * millisecond or more on a loaded machine, and a task's start is made of a
 * dozen of them (see container.ts; measured in bench/orchestra.ts).
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync, lchownSync, lstatSync, mkdirSync, openSync, symlinkSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join, posix, relative } from "node:path";
import { JetwayError } from "../../protocol/errors.ts";
import { safeName } from "../names.ts";
import { stdinBytes, validateTask } from "../task.ts";
import type { Container, Driver, Task, TaskMount, Volume } from "../types.ts";
import type { OnceWarner } from "../warnings.ts";
import { resolveCommand } from "./command.ts";
import { NativeContainer, removeContainer } from "./container.ts";
import { memoryLimitPrefix, niceForCpuShares } from "./limits.ts";
import { containerPaths } from "./paths.ts";
import { Trash } from "./trash.ts";
import { resolveUser, type HostUser } from "./user.ts";
import { once } from "../once.ts";

export interface NativeDriverConfig {
  namespace: string;
  /** the namespace's folder: everything the driver creates is inside it */
  dir: string;
  warn: OnceWarner;
  /** helper programs for limits, where the host has them: util-linux prlimit (memory), coreutils nice (cpu) */
  tools: { prlimit?: string; nice?: string };
}

class NativeVolume implements Volume {
  readonly name: string;
  readonly hostPath: string;

  constructor(name: string, hostPath: string) {
    this.name = name;
    this.hostPath = hostPath;
  }

  async cleanup(): Promise<void> {
    await rm(this.hostPath, { recursive: true, force: true });
  }
}

export class NativeDriver implements Driver {
  readonly name = "native";
  readonly namespace: string;
  /** the namespace's folder */
  readonly dir: string;
  readonly #warn: OnceWarner;
  readonly #tools: { prlimit?: string; nice?: string };
  readonly #containers = new Map<string, Promise<NativeContainer>>();
  readonly #trash: Trash;
  #closed = false;

  constructor(config: NativeDriverConfig) {
    this.namespace = config.namespace;
    this.dir = config.dir;
    this.#warn = config.warn;
    this.#tools = config.tools;
    this.#trash = new Trash(join(config.dir, "trash"));
  }

  async runContainer(task: Task): Promise<Container> {
    this.#assertOpen();
    validateTask(task, this.name);
    return once(this.#containers, task.id, () => this.#start(task));
  }

  async getContainer(id: string): Promise<Container | undefined> {
    return this.#containers.get(id)?.catch(() => undefined);
  }

  async createVolume(name: string): Promise<Volume> {
    this.#assertOpen();
    if (typeof name !== "string" || name === "") throw new JetwayError("INVALID_CONFIG", "native driver: a volume needs a non-empty name");
    const volume = new NativeVolume(name, this.#volumeDir(name));
    await mkdir(volume.hostPath, { recursive: true });
    return volume;
  }

  /** Resolves once the working dirs cleanup has handed to the background removal so far are gone. */
  async removalsSettled(): Promise<void> {
    await this.#trash.settled();
  }

  /** Kills every process of the namespace and removes its folder; goes on past failures, then reports them. */
  async close(): Promise<void> {
    this.#closed = true;
    const failures: string[] = [];
    const containers = await Promise.allSettled(this.#containers.values());
    this.#containers.clear();
    await Promise.all(
      containers.map(async (c) => {
        if (c.status !== "fulfilled") return;
        try {
          await c.value.kill();
        } catch (e) {
          failures.push(message(e));
        }
      }),
    );
    // removals still running in the background would race the rm below
    await this.#trash.settled();
    try {
      await rm(this.dir, { recursive: true, force: true, maxRetries: 2 });
    } catch (e) {
      failures.push(message(e));
    }
    if (failures.length > 0) {
      throw new JetwayError("DRIVER_FAILED", `native driver: close of namespace ${this.namespace} left things behind: ${failures.join("; ")}`);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new JetwayError("DRIVER_FAILED", `native driver for namespace ${this.namespace} is closed`);
  }

  #volumeDir(name: string): string {
    return join(this.dir, "volumes", safeName(name));
  }

  async #start(task: Task): Promise<NativeContainer> {
    const fail = (reason: string) => new JetwayError("DRIVER_FAILED", `native driver: task ${JSON.stringify(task.id)}: ${reason}`);
    const paths = containerPaths(this.dir, task.id);
    // cleanup runs this once per container object
    const forget = () => this.#containers.delete(task.id);

    const previous = NativeContainer.recordedExitCode(paths);
    if (previous !== undefined) return NativeContainer.finished(task.id, paths, this.#trash, previous, forget);

    this.#sayWhatIsIgnored(task);
    const user = this.#user(task, fail);
    const work = paths.work;
    const env = task.env ?? {};
    const program = task.command[0] ?? "";
    let argv: string[];
    try {
      await makeFreshDir(work);
      this.#mount(task, work, fail);
      if (user) chownTree(work, task, user);
      const resolved = resolveCommand(program, env.PATH, work);
      if (!resolved.ok) throw fail(resolved.reason);
      argv = [...this.#limitPrefix(task), resolved.path, ...task.command.slice(1)];
    } catch (e) {
      await removeContainer(paths, this.#trash);
      throw e;
    }

    const stdin = stdinBytes(task);
    // truncated: a driver that died mid-task may have left logs of an earlier run
    const outFd = openSync(paths.stdout, "w");
    const errFd = openSync(paths.stderr, "w");
    const stdio: StdioOptions = [stdin === undefined ? "ignore" : "pipe", outFd, errFd];
    let child: ChildProcess;
    let container: NativeContainer;
    try {
      child = spawn(argv[0] ?? "", argv.slice(1), {
        cwd: work,
        env,
        stdio,
        // its own process group: cleanup kills the task and everything it started
        detached: true,
        // the program sees argv[0] as the task wrote it (a limit wrapper in front sees its own)
        argv0: argv.length === task.command.length ? program : (argv[0] ?? ""),
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      });
      container = NativeContainer.running(task.id, paths, this.#trash, child, forget);
      await new Promise<void>((resolve, reject) => {
        child.once("spawn", resolve);
        child.once("error", reject);
      });
    } catch (e) {
      await removeContainer(paths, this.#trash);
      throw fail(`could not start ${JSON.stringify(program)}: ${message(e)}`);
    } finally {
      // the child holds its own copies
      closeSync(outFd);
      closeSync(errFd);
    }
    if (child.stdin) {
      // a task that exits without reading its stdin is not an error
      child.stdin.on("error", () => {});
      child.stdin.end(stdin);
    }
    return container;
  }

  #sayWhatIsIgnored(task: Task): void {
    if (task.image !== "") this.#warn("image", `native driver: images are not used; tasks run on this host (first: ${task.image})`);
    if (task.privileged) this.#warn("privileged", "native driver: privileged has no meaning for host processes; tasks run with the driver's own rights");
    if (task.mounts?.some((m) => m.readOnly)) this.#warn("readOnly", "native driver: read-only mounts are not enforced (mounts are symlinks)");
  }

  #user(task: Task, fail: (reason: string) => JetwayError): HostUser | undefined {
    if (task.user === undefined) return undefined;
    const resolved = resolveUser(task.user);
    if (!resolved.ok) throw fail(resolved.reason);
    const self = process.getuid?.();
    if (self === 0) return resolved.user;
    if (resolved.user.uid !== self) {
      this.#warn("user", `native driver: not running as root, so tasks run as uid ${self} instead of their user (first: ${task.user})`);
    }
    return undefined;
  }

  /** Wrappers that apply the limits before the program starts (no window where it runs unlimited). */
  #limitPrefix(task: Task): string[] {
    const prefix: string[] = [];
    const { cpu, memory } = task.limits ?? {};
    if (cpu !== undefined) {
      if (cpu > 1024) this.#warn("cpu-high", "native driver: cpu shares above 1024 run at the driver's own priority");
      const nice = niceForCpuShares(cpu);
      if (nice > 0 && this.#tools.nice) prefix.push(this.#tools.nice, "-n", String(nice));
      else if (nice > 0) this.#warn("cpu", "native driver: cpu limits are not enforced (nice not found)");
    }
    if (memory !== undefined) {
      if (this.#tools.prlimit) prefix.push(...memoryLimitPrefix(this.#tools.prlimit, memory));
      else this.#warn("memory", "native driver: memory limits are not enforced (util-linux prlimit not found)");
    }
    return prefix;
  }

  #mount(task: Task, work: string, fail: (reason: string) => JetwayError): void {
    const mounts = (task.mounts ?? []).map((mount) => ({ mount, rel: this.#relativeMountPath(task, mount, fail) }));
    for (const { mount, rel } of mounts) {
      for (const other of mounts) {
        if (other.rel !== rel && rel.startsWith(`${other.rel}/`)) {
          throw fail(`mount ${mount.path} lies inside mount ${other.mount.path}; the native driver cannot nest mounts`);
        }
      }
    }
    for (const { mount, rel } of mounts) {
      const volumeDir = this.#volumeDir(mount.volume);
      try {
        if (!lstatSync(volumeDir).isDirectory()) throw new Error("not a directory");
      } catch {
        throw fail(`volume ${JSON.stringify(mount.volume)} does not exist (createVolume first)`);
      }
      const at = join(work, rel);
      mkdirSync(dirname(at), { recursive: true });
      symlinkSync(volumeDir, at, "dir");
    }
  }

  /** The mount's path inside `work/`: relative paths as they are, absolute ones only inside the task's working dir. */
  #relativeMountPath(task: Task, mount: TaskMount, fail: (reason: string) => JetwayError): string {
    let rel: string;
    if (posix.isAbsolute(mount.path)) {
      if (task.workingDir === undefined) throw fail(`mount path ${mount.path} is absolute and the task has no workingDir; the native driver mounts only inside the working dir`);
      rel = posix.relative(posix.normalize(task.workingDir), posix.normalize(mount.path));
      if (rel.startsWith("..")) throw fail(`mount path ${mount.path} is outside the working dir ${task.workingDir}`);
    } else {
      rel = posix.normalize(mount.path);
    }
    rel = rel.replace(/\/+$/, "");
    if (rel === "" || rel === ".") throw fail(`mount ${mount.path} would replace the working dir itself`);
    return rel;
  }
}

/** The working dir and the symlinks in it belong to the task's user (volumes stay as they are). */
function chownTree(work: string, task: Task, user: HostUser): void {
  const paths = new Set<string>([work]);
  for (const mount of task.mounts ?? []) {
    // every folder created on the way to a mount, and the link itself
    let p = mount.path;
    if (posix.isAbsolute(p) && task.workingDir) p = posix.relative(task.workingDir, p);
    const parts = posix.normalize(p).split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) paths.add(join(work, ...parts.slice(0, i)));
  }
  for (const p of paths) {
    if (relative(work, p).startsWith("..")) continue;
    lchownSync(p, user.uid, user.gid);
  }
}

/**
 * The task's working dir, new and empty. One left by a driver that died
 * mid-task (it has no exit code, or the caller would have adopted it) is
 * removed first: the task starts afresh.
 */
async function makeFreshDir(dir: string): Promise<void> {
  try {
    mkdirSync(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") await rm(dir, { recursive: true, force: true });
    else if (code !== "ENOENT") throw e;
  }
  // ENOENT: the first task of the namespace makes `containers/` too
  mkdirSync(dir, { recursive: true });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

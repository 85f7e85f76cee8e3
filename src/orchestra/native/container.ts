/**
 * One native task: a host process in its own process group, writing straight
 * into two log files, so logs outlive the process and can be read again. Its
 * exit code is also written beside them (paths.ts), which lets a later
 * driver of the same namespace adopt a finished container.
 *
 * File work on the per-task path is synchronous: opening, reading and removing
 * a few small files costs microseconds on the event loop, where each trip
 * through libuv's thread pool costs a millisecond or more on a loaded machine
 * (measured in bench/orchestra.ts). What can be large stays asynchronous or
 * yields: logs are read a chunk per turn of the loop, and the working dir is
 * removed in the background (trash.ts).
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, unlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { constants } from "node:os";
import { setImmediate as nextTurn, setTimeout as delay } from "node:timers/promises";
import { JetwayError } from "../../protocol/errors.ts";
import type { Container, ContainerStatus, LogOptions, LogSink } from "../types.ts";
import type { ContainerPaths } from "./paths.ts";
import type { Trash } from "./trash.ts";

/** How often a followed log is checked for new bytes. */
const FOLLOW_POLL_MS = 20;
/** How long cleanup waits for a killed process group to end. */
const KILL_WAIT_MS = 5000;
/** How often the end of a killed group's other processes is checked. */
const GROUP_POLL_MS = 5;

/** Bytes handed to a log sink at once. */
const LOG_CHUNK = 64 * 1024;

export class NativeContainer implements Container {
  readonly id: string;
  /** the working dir, and the log and exit-code files beside it */
  readonly paths: ContainerPaths;
  readonly #child: ChildProcess | undefined;
  readonly #exited: Promise<void>;
  readonly #onCleanup: () => void;
  readonly #trash: Trash;
  /** followers waiting for new bytes or the exit: woken at the exit, so none waits out its poll */
  readonly #exitWaiters = new Set<() => void>();
  #exitCode: number | undefined;
  #cleaned = false;

  private constructor(id: string, paths: ContainerPaths, trash: Trash, child: ChildProcess | undefined, exitCode: number | undefined, onCleanup: () => void) {
    this.id = id;
    this.paths = paths;
    this.#trash = trash;
    this.#child = child;
    this.#exitCode = exitCode;
    this.#onCleanup = onCleanup;
    this.#exited =
      child === undefined || exitCode !== undefined
        ? Promise.resolve()
        : new Promise((resolve) => {
            child.once("exit", (code, signal) => {
              this.#exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
              try {
                writeFileSync(paths.exitCode, `${this.#exitCode}\n`);
              } catch {
                // the namespace is already being removed: nothing left to record into
              }
              for (const wake of this.#exitWaiters) wake();
              resolve();
            });
          });
  }

  /** A process just spawned: call in the same tick as spawn(), so its exit cannot be missed. */
  static running(id: string, paths: ContainerPaths, trash: Trash, child: ChildProcess, onCleanup: () => void): NativeContainer {
    return new NativeContainer(id, paths, trash, child, undefined, onCleanup);
  }

  /** A container a previous driver of the namespace ran to its end. */
  static finished(id: string, paths: ContainerPaths, trash: Trash, exitCode: number, onCleanup: () => void): NativeContainer {
    return new NativeContainer(id, paths, trash, undefined, exitCode, onCleanup);
  }

  /** The exit code recorded for a container, if its process ended. */
  static recordedExitCode(paths: ContainerPaths): number | undefined {
    // the usual answer is "none": checked without building an exception
    if (!existsSync(paths.exitCode)) return undefined;
    try {
      const text = readFileSync(paths.exitCode, "utf8").trim();
      return /^\d+$/.test(text) ? Number(text) : undefined;
    } catch {
      return undefined;
    }
  }

  async status(): Promise<ContainerStatus> {
    return this.#exitCode === undefined ? { isDone: false } : { isDone: true, exitCode: this.#exitCode };
  }

  async logs(stdout: LogSink, stderr: LogSink, options: LogOptions = {}): Promise<void> {
    if (this.#cleaned) throw new JetwayError("DRIVER_FAILED", `native driver: container ${JSON.stringify(this.id)} was cleaned up; its logs are gone`);
    const out = openSync(this.paths.stdout, "r");
    let err: number;
    try {
      err = openSync(this.paths.stderr, "r");
    } catch (e) {
      closeSync(out);
      throw e;
    }
    try {
      let outAt = 0;
      let errAt = 0;
      for (;;) {
        // read "done" before draining: bytes written before the exit are then all seen
        const done = this.#exitCode !== undefined;
        outAt = await drain(out, outAt, stdout);
        errAt = await drain(err, errAt, stderr);
        if (!options.follow || done) return;
        await this.#nextPoll();
      }
    } finally {
      closeSync(out);
      closeSync(err);
    }
  }

  /** Resolves after the follow interval, or at once when the process exits. */
  #nextPoll(): Promise<void> {
    if (this.#exitCode !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#exitWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, FOLLOW_POLL_MS);
      this.#exitWaiters.add(wake);
    });
  }

  /** Kills the process group if it still runs, then removes the working dir and the files. Idempotent. */
  async cleanup(): Promise<void> {
    if (!this.#cleaned) {
      this.#cleaned = true;
      this.#onCleanup();
    }
    await this.kill();
    await removeContainer(this.paths, this.#trash);
  }

  /** SIGKILL to the whole process group (the task and whatever it started), then wait until all of it has ended. */
  async kill(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    let groupLived = true;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: the group is gone already
      groupLived = false;
    }
    const until = performance.now() + KILL_WAIT_MS;
    const stuck = () => new JetwayError("DRIVER_FAILED", `native driver: process group ${pid} of container ${JSON.stringify(this.id)} did not end after SIGKILL`);
    if (this.#exitCode === undefined) {
      const timeout = delay(KILL_WAIT_MS, "timeout" as const, { ref: false });
      if ((await Promise.race([this.#exited.then(() => "exited" as const), timeout])) === "timeout") throw stuck();
    }
    if (!groupLived) return;
    // what the task started outlives its leader's reaping: the signal is sent, but on a
    // busy machine those processes may not have run to their end yet
    while (groupHasLiveMember(pid)) {
      if (performance.now() > until) throw stuck();
      await delay(GROUP_POLL_MS, undefined, { ref: false });
    }
  }
}

/**
 * Whether a process of group `pgid` is alive (zombies count as ended: their
 * reaping is up to their parent). Read from /proc; where there is none, the
 * answer is no, as before the check existed.
 */
function groupHasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "latin1");
    } catch {
      continue; // ended meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields count from the last ")"
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
  }
  return false;
}

/** Copies the bytes of `fd` from `from` to its end into `sink`, a chunk per turn of the event loop; returns the new end. */
async function drain(fd: number, from: number, sink: LogSink): Promise<number> {
  let at = from;
  for (let first = true; ; first = false) {
    const size = fstatSync(fd).size;
    if (size <= at) return at;
    // a long log must not hold the event loop: other tasks' logs and exits wait on it
    if (!first) await nextTurn();
    // a fresh buffer per chunk: sinks may keep what they are given
    const buffer = Buffer.allocUnsafe(Math.min(LOG_CHUNK, size - at));
    const bytesRead = readSync(fd, buffer, 0, buffer.length, at);
    if (bytesRead === 0) return at;
    sink(buffer.subarray(0, bytesRead));
    at += bytesRead;
  }
}

/** The working dir (into the trash, so no big tree holds cleanup up) and the files beside it; a container already gone counts as removed. */
export async function removeContainer(paths: ContainerPaths, trash: Trash): Promise<void> {
  if (!trash.discard(paths.work)) await rm(paths.work, { recursive: true, force: true });
  for (const file of [paths.stdout, paths.stderr, paths.exitCode]) ignoreMissing(() => unlinkSync(file));
}

function ignoreMissing<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

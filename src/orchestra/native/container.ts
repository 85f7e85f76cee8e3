/**
 * One native task: a host process in its own process group, writing straight
 * into two log files, so logs outlive the process and can be read again. Its
 * exit code is also written beside them (`exit-code`), which lets a later
 * driver of the same namespace adopt a finished container.
 */
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { open, readFile, rm, type FileHandle } from "node:fs/promises";
import { constants } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { JetwayError } from "../../protocol/errors.ts";
import type { Container, ContainerStatus, LogOptions, LogSink } from "../types.ts";

/** How often a followed log is checked for new bytes. */
const FOLLOW_POLL_MS = 20;
/** How long cleanup waits for a killed process to be reaped. */
const KILL_WAIT_MS = 5000;

export const STDOUT_FILE = "stdout";
export const STDERR_FILE = "stderr";
export const EXIT_CODE_FILE = "exit-code";

export class NativeContainer implements Container {
  readonly id: string;
  /** the container's folder: logs, exit code and `work/` (the task's working dir) */
  readonly dir: string;
  readonly #child: ChildProcess | undefined;
  readonly #exited: Promise<void>;
  readonly #onCleanup: () => void;
  #exitCode: number | undefined;
  #cleaned = false;

  private constructor(id: string, dir: string, child: ChildProcess | undefined, exitCode: number | undefined, onCleanup: () => void) {
    this.id = id;
    this.dir = dir;
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
                writeFileSync(join(dir, EXIT_CODE_FILE), `${this.#exitCode}\n`);
              } catch {
                // the folder is already being removed: nothing left to record into
              }
              resolve();
            });
          });
  }

  /** A process just spawned: call in the same tick as spawn(), so its exit cannot be missed. */
  static running(id: string, dir: string, child: ChildProcess, onCleanup: () => void): NativeContainer {
    return new NativeContainer(id, dir, child, undefined, onCleanup);
  }

  /** A container a previous driver of the namespace ran to its end. */
  static finished(id: string, dir: string, exitCode: number, onCleanup: () => void): NativeContainer {
    return new NativeContainer(id, dir, undefined, exitCode, onCleanup);
  }

  /** The exit code recorded in a container folder, if the process ended. */
  static async recordedExitCode(dir: string): Promise<number | undefined> {
    try {
      const text = (await readFile(join(dir, EXIT_CODE_FILE), "utf8")).trim();
      return /^\d+$/.test(text) ? Number(text) : undefined;
    } catch {
      return undefined;
    }
  }

  get exited(): Promise<void> {
    return this.#exited;
  }

  async status(): Promise<ContainerStatus> {
    return this.#exitCode === undefined ? { isDone: false } : { isDone: true, exitCode: this.#exitCode };
  }

  async logs(stdout: LogSink, stderr: LogSink, options: LogOptions = {}): Promise<void> {
    if (this.#cleaned) throw new JetwayError("DRIVER_FAILED", `native driver: container ${JSON.stringify(this.id)} was cleaned up; its logs are gone`);
    const out = await open(join(this.dir, STDOUT_FILE), "r");
    const err = await open(join(this.dir, STDERR_FILE), "r").catch(async (e: unknown) => {
      await out.close();
      throw e;
    });
    try {
      let outAt = 0;
      let errAt = 0;
      for (;;) {
        // read "done" before draining: bytes written before the exit are then all seen
        const done = this.#exitCode !== undefined;
        outAt = await drain(out, outAt, stdout);
        errAt = await drain(err, errAt, stderr);
        if (!options.follow || done) return;
        await Promise.race([delay(FOLLOW_POLL_MS), this.#exited]);
      }
    } finally {
      await Promise.allSettled([out.close(), err.close()]);
    }
  }

  /** Kills the process group if it still runs, then removes the folder. Idempotent. */
  async cleanup(): Promise<void> {
    if (!this.#cleaned) {
      this.#cleaned = true;
      this.#onCleanup();
    }
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** SIGKILL to the whole process group (the task and whatever it started), then wait for the exit. */
  async kill(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: the group is gone already
    }
    if (this.#exitCode !== undefined) return;
    const timeout = delay(KILL_WAIT_MS, "timeout" as const, { ref: false });
    if ((await Promise.race([this.#exited.then(() => "exited" as const), timeout])) === "timeout") {
      throw new JetwayError("DRIVER_FAILED", `native driver: process ${pid} of container ${JSON.stringify(this.id)} did not end after SIGKILL`);
    }
  }
}

/** Copies the bytes of `file` from `from` to its end into `sink`; returns the new end. */
async function drain(file: FileHandle, from: number, sink: LogSink): Promise<number> {
  let at = from;
  for (;;) {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) return at;
    sink(buffer.subarray(0, bytesRead));
    at += bytesRead;
  }
}

/**
 * One pod of the fake, and the tiny kubelet that runs it: its container's
 * command runs as a host process (a process group of its own), in a folder that
 * stands for the container's root filesystem. The working dir and the mount
 * points are made inside that folder, each mount a symlink to its volume's
 * folder, so relative paths behave as in a container; absolute paths still mean
 * the host's (there is no mount namespace). Images are only names: a known image
 * contributes its environment (PATH), an unknown one fails to pull.
 *
 * The pod object goes through the states a kubelet reports: Pending (unscheduled
 * while a claim is missing, then ContainerCreating), ErrImagePull then
 * ImagePullBackOff for an unknown image, Running, then Succeeded or Failed with
 * the exit code; a program that cannot be executed ends as containerd reports it
 * (terminated, reason StartError, exit code 128).
 *
 * Init containers run first, one at a time, in the same folder (their output is
 * dropped: the driver never reads it); one that fails leaves the pod Failed with
 * the task's container waiting in PodInitializing, as under restartPolicy Never.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import type { PodBody } from "./schemas.ts";

export type LogStream = "Stdout" | "Stderr" | "All";

export interface PodHost {
  /** this pod's folder (root filesystem and emptyDir volumes) */
  dir: string;
  /** env of a known image, undefined for an unknown one */
  imageEnv(image: string): Record<string, string> | undefined;
  /** a claim's folder when the claim exists and is not being deleted, else why not */
  claim(name: string): { dir: string } | { problem: string };
  nextResourceVersion(): string;
  removed(pod: FakePod): void;
}

interface Chunk {
  stream: "Stdout" | "Stderr";
  data: Buffer;
}

type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt?: string; finishedAt: string } };

const NODE_NAME = "fake-node";

export class FakePod extends EventEmitter {
  readonly namespace: string;
  readonly name: string;
  readonly body: PodBody;
  readonly #host: PodHost;
  readonly #uid = randomUUID();
  readonly #created = new Date().toISOString();
  readonly #chunks: Chunk[] = [];
  #resourceVersion: string;
  #phase: "Pending" | "Running" | "Succeeded" | "Failed" = "Pending";
  #scheduled: { ok: true } | { ok: false; message: string } | undefined;
  #state: ContainerState | undefined;
  #initStates: { name: string; image: string; state: ContainerState }[] = [];
  #startedAt: string | undefined;
  #process: ChildProcess | undefined;
  #stdinOpen = false;
  #ended = false;
  #removed = false;
  #deletion: { at: string; grace: number } | undefined;
  #timers = new Set<NodeJS.Timeout>();

  constructor(namespace: string, body: PodBody, host: PodHost) {
    super();
    this.namespace = namespace;
    this.name = body.metadata.name;
    this.body = body;
    this.#host = host;
    this.#resourceVersion = host.nextResourceVersion();
    this.#later(0, () => this.#schedule());
  }

  get container(): PodBody["spec"]["containers"][number] {
    return this.body.spec.containers[0]!;
  }

  get removed(): boolean {
    return this.#removed;
  }

  get pid(): number | undefined {
    return this.#ended ? undefined : this.#process?.pid;
  }

  /** "waiting", "running" or "terminated", for the log and attach endpoints. */
  get containerPhase(): "waiting" | "running" | "terminated" {
    if (!this.#state || "waiting" in this.#state) return "waiting";
    return "running" in this.#state ? "running" : "terminated";
  }

  get waitingReason(): string {
    return this.#state && "waiting" in this.#state ? this.#state.waiting.reason : "ContainerCreating";
  }

  /** True once the container ended and every byte of its output is in the log. */
  get ended(): boolean {
    return this.#ended;
  }

  claimNames(): string[] {
    return (this.body.spec.volumes ?? []).flatMap((v) => ("persistentVolumeClaim" in v ? [v.persistentVolumeClaim.claimName] : []));
  }

  /** The pod as the API serves it. */
  toJSON(): unknown {
    const container = this.container;
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...this.body.metadata,
        namespace: this.namespace,
        uid: this.#uid,
        resourceVersion: this.#resourceVersion,
        creationTimestamp: this.#created,
        ...(this.#deletion ? { deletionTimestamp: this.#deletion.at, deletionGracePeriodSeconds: this.#deletion.grace } : {}),
      },
      spec: { ...this.body.spec, ...(this.#scheduled?.ok ? { nodeName: NODE_NAME } : {}) },
      status: {
        phase: this.#phase,
        conditions: this.#scheduled
          ? [
              this.#scheduled.ok
                ? { type: "PodScheduled", status: "True" }
                : { type: "PodScheduled", status: "False", reason: "Unschedulable", message: this.#scheduled.message },
            ]
          : [],
        ...(this.#startedAt ? { startTime: this.#startedAt } : {}),
        ...(this.#initStates.length > 0
          ? {
              initContainerStatuses: this.#initStates.map(({ name, image, state }) => ({
                name,
                image,
                imageID: "",
                ready: "terminated" in state && state.terminated.exitCode === 0,
                restartCount: 0,
                started: "running" in state,
                state,
              })),
            }
          : {}),
        ...(this.#state
          ? {
              containerStatuses: [
                {
                  name: container.name,
                  image: container.image,
                  imageID: "",
                  ready: "running" in this.#state,
                  restartCount: 0,
                  started: "running" in this.#state,
                  state: this.#state,
                },
              ],
            }
          : {}),
      },
    };
  }

  log(stream: LogStream): Buffer {
    return Buffer.concat(this.#chunks.filter((c) => stream === "All" || c.stream === stream).map((c) => c.data));
  }

  /** Calls `write` for each new chunk of `stream` and `end` once the container ended (or the pod is gone). */
  follow(stream: LogStream, write: (data: Buffer) => void, end: () => void): () => void {
    const onChunk = (chunk: Chunk) => {
      if (stream === "All" || chunk.stream === stream) write(chunk.data);
    };
    const onEnd = () => {
      unsubscribe();
      end();
    };
    const unsubscribe = () => {
      this.off("chunk", onChunk);
      this.off("ended", onEnd);
    };
    if (this.#ended || this.#removed) {
      end();
      return () => undefined;
    }
    this.on("chunk", onChunk);
    this.on("ended", onEnd);
    return unsubscribe;
  }

  /** Stdin for one attach; undefined when the container runs without one or already saw its end. */
  attachStdin(): { write(data: Buffer): void; end(): void } | undefined {
    const stdin = this.#process?.stdin;
    if (!this.#stdinOpen || !stdin) return undefined;
    return {
      write: (data) => {
        if (this.#stdinOpen) stdin.write(data);
      },
      end: () => {
        if (!this.#stdinOpen) return;
        this.#stdinOpen = false;
        stdin.end();
      },
    };
  }

  /** Graceful deletion: TERM now, KILL after the grace period, gone once the process is. */
  delete(graceSeconds: number): void {
    if (this.#removed) return;
    if (this.#process === undefined || this.#ended) {
      this.#remove();
      return;
    }
    if (!this.#deletion) {
      this.#deletion = { at: new Date().toISOString(), grace: graceSeconds };
      this.#touch();
      this.#signal("SIGTERM");
      this.#later(graceSeconds * 1000, () => this.#signal("SIGKILL"));
    }
  }

  /** Stops everything at once (the fake shutting down). */
  async kill(): Promise<void> {
    if (this.#process !== undefined && !this.#ended) {
      const ended = new Promise<void>((resolve) => this.once("ended", () => resolve()));
      this.#signal("SIGKILL");
      await ended;
    }
    this.#remove();
  }

  #schedule(): void {
    for (const claim of this.claimNames()) {
      const found = this.#host.claim(claim);
      if ("problem" in found) {
        // the scheduler keeps trying until the claim appears or the pod goes
        this.#scheduled = { ok: false, message: found.problem };
        this.#touch();
        this.#later(100, () => this.#schedule());
        return;
      }
    }
    this.#scheduled = { ok: true };
    this.#state = { waiting: { reason: "ContainerCreating" } };
    this.#touch();
    this.#later(0, () => this.#pull());
  }

  #pull(): void {
    const inits = this.body.spec.initContainers ?? [];
    if (inits.length > 0) {
      this.#state = { waiting: { reason: "PodInitializing" } };
      this.#initStates = inits.map((c) => ({ name: c.name, image: c.image, state: { waiting: { reason: "PodInitializing" } } }));
      this.#touch();
      void this.#runInits().then((ok) => {
        if (ok && !this.#removed) this.#pullTask();
      });
      return;
    }
    this.#pullTask();
  }

  /** Each init container to its end; false when one could not run or failed (the pod is then Failed). */
  async #runInits(): Promise<boolean> {
    for (const [index, init] of (this.body.spec.initContainers ?? []).entries()) {
      const entry = this.#initStates[index]!;
      const imageEnv = this.#host.imageEnv(init.image);
      if (imageEnv === undefined) {
        entry.state = { waiting: { reason: "ErrImagePull", message: `failed to pull and unpack image "${init.image}": not found` } };
        this.#touch();
        return false;
      }
      const cwd = this.#prepareFilesystem(init);
      const env: Record<string, string> = { ...imageEnv, HOSTNAME: this.name };
      for (const { name, value } of init.env ?? []) env[name] = value;
      const startedAt = new Date().toISOString();
      entry.state = { running: { startedAt } };
      this.#touch();
      const [program = "", ...args] = init.command;
      const exitCode = await new Promise<number>((resolve) => {
        const child = spawn(program, args, { cwd, env, detached: true, stdio: "ignore" });
        this.#process = child;
        child.on("error", () => resolve(128));
        child.on("close", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
      });
      this.#process = undefined;
      if (this.#removed) return false;
      if (this.#deletion && exitCode === 0) {
        this.#remove();
        return false;
      }
      entry.state = { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt, finishedAt: new Date().toISOString() } };
      this.#touch();
      if (exitCode !== 0) {
        this.#phase = "Failed";
        this.#ended = true;
        this.#touch();
        this.emit("ended");
        if (this.#deletion) this.#remove();
        return false;
      }
    }
    return true;
  }

  #pullTask(): void {
    const image = this.container.image;
    const imageEnv = this.#host.imageEnv(image);
    if (imageEnv === undefined) {
      this.#state = {
        waiting: {
          reason: "ErrImagePull",
          message: `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": ${image}: not found`,
        },
      };
      this.#touch();
      this.#later(50, () => {
        this.#state = { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } };
        this.#touch();
      });
      return;
    }
    this.#run(imageEnv);
  }

  /**
   * The folder standing for `container`'s root filesystem, its mounts in place, and
   * its working dir there. Containers of a pod share the folder; a mount point an
   * earlier container made stays.
   */
  #prepareFilesystem(container: PodBody["spec"]["containers"][number]): string {
    const rootfs = join(this.#host.dir, "rootfs");
    mkdirSync(rootfs, { recursive: true });
    const volumeDirs = new Map<string, string>();
    for (const volume of this.body.spec.volumes ?? []) {
      if ("persistentVolumeClaim" in volume) {
        const found = this.#host.claim(volume.persistentVolumeClaim.claimName);
        volumeDirs.set(volume.name, "dir" in found ? found.dir : join(this.#host.dir, "lost", volume.name));
      } else {
        const dir = join(this.#host.dir, "volumes", volume.name);
        mkdirSync(dir, { recursive: true });
        volumeDirs.set(volume.name, dir);
      }
    }
    // shallow mount points first, so a deeper one lands inside the volume above it, as mounts stack
    const mounts = [...(container.volumeMounts ?? [])].sort((a, b) => a.mountPath.split("/").length - b.mountPath.split("/").length);
    for (const mount of mounts) {
      const at = join(rootfs, mount.mountPath);
      if (existsSync(at)) continue;
      mkdirSync(dirname(at), { recursive: true });
      symlinkSync(volumeDirs.get(mount.name) ?? join(this.#host.dir, "lost", mount.name), at);
    }
    const cwd = join(rootfs, container.workingDir ?? "/");
    mkdirSync(cwd, { recursive: true });
    return cwd;
  }

  #run(imageEnv: Record<string, string>): void {
    const container = this.container;
    const cwd = this.#prepareFilesystem(container);

    const env: Record<string, string> = { ...imageEnv, HOSTNAME: this.name };
    for (const { name, value } of container.env ?? []) env[name] = value;
    const [program = "", ...args] = container.command;
    const child = spawn(program, args, {
      cwd,
      env,
      detached: true,
      stdio: [container.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    });
    this.#process = child;
    let spawnFailed = false;
    child.on("spawn", () => {
      this.#startedAt = new Date().toISOString();
      this.#stdinOpen = container.stdin === true;
      this.#phase = "Running";
      this.#state = { running: { startedAt: this.#startedAt } };
      this.#touch();
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (this.#startedAt !== undefined) return;
      spawnFailed = true;
      const what = program.includes("/") ? `stat ${program}: no such file or directory` : `executable file not found in $PATH`;
      this.#finish({
        exitCode: 128,
        reason: "StartError",
        message:
          "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: " +
          `unable to start container process: exec: ${JSON.stringify(program)}: ${what}: unknown (${e.code})`,
      });
    });
    child.stdin?.on("error", () => undefined);
    child.stdout?.on("data", (data: Buffer) => this.#append("Stdout", data));
    child.stderr?.on("data", (data: Buffer) => this.#append("Stderr", data));
    child.on("close", (code, signal) => {
      if (spawnFailed) return;
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      this.#finish({ exitCode, reason: exitCode === 0 ? "Completed" : "Error" });
    });
  }

  #append(stream: Chunk["stream"], data: Buffer): void {
    const chunk = { stream, data };
    this.#chunks.push(chunk);
    this.emit("chunk", chunk);
  }

  #finish(result: { exitCode: number; reason: string; message?: string }): void {
    this.#stdinOpen = false;
    this.#phase = result.exitCode === 0 ? "Succeeded" : "Failed";
    this.#state = {
      terminated: { ...result, ...(this.#startedAt ? { startedAt: this.#startedAt } : {}), finishedAt: new Date().toISOString() },
    };
    this.#ended = true;
    this.#touch();
    this.emit("ended");
    if (this.#deletion) this.#remove();
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#process?.pid;
    if (pid === undefined || this.#ended) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  }

  #remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.emit("ended");
    rmSync(this.#host.dir, { recursive: true, force: true });
    this.#host.removed(this);
  }

  #touch(): void {
    this.#resourceVersion = this.#host.nextResourceVersion();
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#removed) run();
    }, ms);
    this.#timers.add(timer);
  }
}

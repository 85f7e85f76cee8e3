/**
 * A task's pod seen as a Container. The pod is the only state: status and logs
 * are read from the API server each time (a finished status is kept, since a
 * terminated container never changes), so a container found by getContainer in
 * another process behaves the same as the one runContainer returned.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { JetwayError } from "../../protocol/errors.ts";
import type { Container, ContainerStatus, LogOptions, LogSink } from "../types.ts";
import type { K8sContext } from "./context.ts";
import { LogRequestError, streamLog, type LogRequest } from "./log-stream.ts";
import { podState, type PodState } from "./pod-state.ts";

/** Polling starts fast (a started container is usually seconds away) and settles at half a second. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 500;

export class K8sContainer implements Container {
  readonly id: string;
  readonly podName: string;
  readonly #ctx: K8sContext;
  readonly #onCleanup: () => void;
  #final: ContainerStatus | undefined;

  constructor(ctx: K8sContext, id: string, podName: string, onCleanup: () => void) {
    this.#ctx = ctx;
    this.id = id;
    this.podName = podName;
    this.#onCleanup = onCleanup;
  }

  async status(): Promise<ContainerStatus> {
    if (this.#final) return this.#final;
    const state = await this.#state();
    switch (state.kind) {
      case "exited":
        this.#final = { isDone: true, exitCode: state.exitCode };
        return this.#final;
      case "failed":
        throw this.#failure(state.message);
      default:
        return { isDone: false };
    }
  }

  /** Waits until the container runs or has ended; a pod that cannot start is an error. */
  async waitStarted(): Promise<"running" | "exited"> {
    const timeoutMs = this.#ctx.params.startTimeout * 1000;
    const deadline = Date.now() + timeoutMs;
    let delay = FIRST_POLL_MS;
    for (;;) {
      const state = await this.#state();
      if (state.kind === "running" || state.kind === "exited") return state.kind;
      if (state.kind === "failed") throw this.#failure(state.message);
      if (Date.now() >= deadline) {
        throw this.#failure(`the pod did not start within ${timeoutMs / 1000} s (startTimeout): ${state.detail}`);
      }
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
  }

  async logs(stdout: LogSink, stderr: LogSink, options: LogOptions = {}): Promise<void> {
    // the log endpoint refuses a container that has not started yet
    await this.waitStarted();
    const follow = options.follow === true;
    const base = { namespace: this.#ctx.api.namespace, pod: this.podName, follow };
    if (this.#ctx.params.streams === "merged") {
      await this.#read({ ...base }, stdout);
      return;
    }
    await this.#ctx.splitStreamsSupported();
    // when one stream fails, the other request is dropped rather than left following
    const sibling = new AbortController();
    const read = (request: LogRequest, sink: LogSink) =>
      this.#read(request, sink, sibling.signal).catch((e: unknown) => {
        sibling.abort(e);
        throw e;
      });
    await Promise.all([read({ ...base, stream: "Stdout" }, stdout), read({ ...base, stream: "Stderr" }, stderr)]);
  }

  async cleanup(): Promise<void> {
    await this.#ctx.api.deletePod(this.podName);
    this.#onCleanup();
  }

  async #read(request: LogRequest, sink: LogSink, signal?: AbortSignal): Promise<void> {
    try {
      await streamLog(this.#ctx.kubeConfig, request, sink, signal);
    } catch (e) {
      if (!(e instanceof LogRequestError)) throw e;
      if (request.stream !== undefined && (e.status === 400 || e.status === 422) && /stream/i.test(e.message)) {
        throw new JetwayError(
          "DRIVER_FAILED",
          `k8s driver: the API server will not serve stdout and stderr apart (${e.message}); ` +
            "that needs the PodLogsQuerySplitStreams feature gate, or use streams=merged to read them as one log",
        );
      }
      throw this.#failure(`read the log: ${e.message} (HTTP ${e.status})`);
    }
  }

  async #state(): Promise<PodState> {
    const pod = await this.#ctx.api.readPod(this.podName);
    if (!pod) throw this.#failure(`pod ${this.podName} no longer exists (cleaned up or deleted)`);
    return podState(pod);
  }

  #failure(message: string): JetwayError {
    return new JetwayError("DRIVER_FAILED", `k8s driver: task ${JSON.stringify(this.id)}: ${message}`);
  }
}

/**
 * The Kubernetes driver: one Pod per task, one PersistentVolumeClaim per volume,
 * everything labelled with the jetway namespace so close() can find it again
 * with one label selector. The API server is the only state, so a second driver
 * on the same namespace (another process) sees the same containers.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import { JetwayError } from "../../protocol/errors.ts";
import { NAMESPACE_LABEL } from "../names.ts";
import { stdinBytes, validateTask } from "../task.ts";
import type { Container, Driver, DriverFeatures, Task, Volume } from "../types.ts";
import type { OnceWarner } from "../warnings.ts";
import { K8sApi } from "./api.ts";
import { K8sContainer } from "./container.ts";
import type { K8sContext } from "./context.ts";
import { TASK_ID_ANNOTATION, namespaceSelector, podName } from "./names.ts";
import type { K8sParams } from "./params.ts";
import { podManifest } from "./pod-manifest.ts";
import { writeStdin } from "./stdin.ts";
import { K8sVolume, ensureClaim } from "./volume.ts";
import { once } from "../once.ts";

/** Stream selection on the log endpoint arrived in Kubernetes 1.32. */
const SPLIT_STREAMS_SINCE: [number, number] = [1, 32];

export interface K8sDriverOptions {
  namespace: string;
  /** the Kubernetes namespace everything is created in */
  k8sNamespace: string;
  kubeConfig: KubeConfig;
  params: K8sParams;
  warn: OnceWarner;
}

export class K8sDriver implements Driver {
  readonly name = "k8s";
  readonly namespace: string;
  readonly features: DriverFeatures = { pods: true };
  readonly #ctx: K8sContext;
  /** one start per task id, so concurrent runContainer calls share one pod and one stdin delivery */
  readonly #containers = new Map<string, Promise<K8sContainer>>();
  /** the container each id's start produced, to tell whether a cleanup concerns the current one */
  readonly #resolved = new Map<string, K8sContainer>();
  readonly #claims = new Map<string, Promise<string>>();
  #splitStreams: Promise<void> | undefined;
  #closed = false;

  constructor(options: K8sDriverOptions) {
    this.namespace = options.namespace;
    this.#ctx = {
      namespace: options.namespace,
      kubeConfig: options.kubeConfig,
      api: new K8sApi(options.kubeConfig, options.k8sNamespace),
      params: options.params,
      warn: options.warn,
      splitStreamsSupported: () => (this.#splitStreams ??= this.#checkSplitStreams()),
    };
  }

  /** The Kubernetes namespace the driver works in. */
  get k8sNamespace(): string {
    return this.#ctx.api.namespace;
  }

  async runContainer(task: Task): Promise<Container> {
    validateTask(task, "k8s", this.features);
    this.#checkOpen();
    // a failed start is not remembered: the next call looks at the pod again
    return once(this.#containers, task.id, () => this.#start(task));
  }

  async getContainer(id: string): Promise<Container | undefined> {
    this.#checkOpen();
    const known = this.#containers.get(id);
    if (known) return known.catch(() => this.#lookUp(id));
    return this.#lookUp(id);
  }

  async createVolume(name: string, size?: number): Promise<Volume> {
    this.#checkOpen();
    if (typeof name !== "string" || name === "") throw new JetwayError("INVALID_CONFIG", "k8s driver: a volume needs a name");
    if (size !== undefined && (!Number.isInteger(size) || size <= 0)) {
      throw new JetwayError("INVALID_CONFIG", `k8s driver: volume ${JSON.stringify(name)}: size must be a positive number of bytes`);
    }
    const forget = () => this.#claims.delete(name);
    if (this.#ctx.params.storage === "emptyDir") {
      this.#warnEmptyDir();
      return new K8sVolume(this.#ctx, name, undefined, forget);
    }
    return new K8sVolume(this.#ctx, name, await this.#claim(name, size), forget);
  }

  /**
   * Deletes the namespace's pods and claims by label, falls back to deleting them
   * one by one when a collection delete is refused, then waits until the API
   * server lists none of them (claims go only once no pod uses them).
   */
  async close(): Promise<void> {
    this.#closed = true;
    const api = this.#ctx.api;
    const selector = namespaceSelector(this.namespace);
    const problems: string[] = [];
    const sweep = async (kind: string, all: () => Promise<void>, list: () => Promise<{ metadata?: { name?: string } }[]>, one: (name: string) => Promise<void>) => {
      try {
        await all();
      } catch (e) {
        problems.push(message(e));
        try {
          for (const item of await list()) {
            const name = item.metadata?.name;
            if (name === undefined) continue;
            await one(name).catch((e2: unknown) => problems.push(message(e2)));
          }
        } catch (e3) {
          problems.push(`list ${kind}: ${message(e3)}`);
        }
      }
    };
    await sweep("pods", () => api.deletePods(selector), () => api.listPods(selector), (n) => api.deletePod(n));
    await sweep("claims", () => api.deleteClaims(selector), () => api.listClaims(selector), (n) => api.deleteClaim(n));
    this.#containers.clear();
    this.#resolved.clear();
    this.#claims.clear();

    const deadline = Date.now() + this.#ctx.params.closeTimeout * 1000;
    let delay = 50;
    for (;;) {
      const [pods, claims] = await Promise.all([api.listPods(selector), api.listClaims(selector)]);
      if (pods.length === 0 && claims.length === 0) break;
      if (Date.now() >= deadline) {
        const left = [...pods.map((p) => `pod ${p.metadata?.name}`), ...claims.map((c) => `claim ${c.metadata?.name}`)];
        const why = problems.length > 0 ? `; ${problems[0]}` : "";
        throw new JetwayError(
          "DRIVER_FAILED",
          `k8s driver: close: after ${this.#ctx.params.closeTimeout} s namespace ${api.namespace} still has ${left.join(", ")}${why}`,
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 1000);
    }
    // everything is gone in the end, but a refused collection delete is worth knowing about (RBAC)
    if (problems.length > 0) {
      this.#ctx.warn(`close-${problems[0]}`, `k8s driver: close: ${problems[0]}; deleted one by one instead`);
    }
  }

  async #start(task: Task): Promise<K8sContainer> {
    const { api } = this.#ctx;
    const name = podName(this.namespace, task.id);
    let pod = await api.readPod(name);
    if (pod?.metadata?.deletionTimestamp) {
      // the pod of an earlier run of this id is still terminating: a new one can take the name once it is gone
      await this.#waitGone(name);
      pod = undefined;
    }
    let created = false;
    if (!pod) {
      const manifest = podManifest(task, this.namespace, this.#ctx.params.storage);
      const volumes = claimedVolumes(task);
      if (this.#ctx.params.storage === "pvc") {
        await Promise.all(volumes.map((v) => this.#claim(v, undefined)));
      } else if (volumes.length > 0) {
        this.#warnEmptyDir();
      }
      created = (await api.createPod(manifest)) !== undefined;
      if (!created) pod = await api.readPod(name);
    }
    if (pod) this.#checkOwner(task.id, name, pod.metadata?.annotations);
    const container = this.#container(task.id, name);
    this.#resolved.set(task.id, container);
    const state = await container.waitStarted();
    const stdin = stdinBytes(task);
    if (created && state === "running" && stdin !== undefined && stdin.length > 0) {
      try {
        await writeStdin(this.#ctx.kubeConfig, api.namespace, name, stdin, this.#ctx.params.startTimeout * 1000);
      } catch (e) {
        // a container that ended meanwhile did not want its stdin; anything else is a failure to run
        if (!(await container.status().then((s) => s.isDone).catch(() => false))) throw e;
      }
    }
    return container;
  }

  async #lookUp(id: string): Promise<Container | undefined> {
    const name = podName(this.namespace, id);
    const pod = await this.#ctx.api.readPod(name);
    // a pod being deleted is on its way out: as good as gone for anyone asking
    if (!pod || pod.metadata?.deletionTimestamp) return undefined;
    this.#checkOwner(id, name, pod.metadata?.annotations);
    const container = this.#container(id, name);
    // the next runContainer or getContainer of this id answers with the same object
    if (!this.#containers.has(id)) {
      this.#resolved.set(id, container);
      this.#containers.set(id, Promise.resolve(container));
    }
    return container;
  }

  #container(id: string, name: string): K8sContainer {
    const container: K8sContainer = new K8sContainer(this.#ctx, id, name, () => {
      if (this.#resolved.get(id) === container) {
        this.#resolved.delete(id);
        this.#containers.delete(id);
      }
    });
    return container;
  }

  #checkOpen(): void {
    if (this.#closed) throw new JetwayError("DRIVER_FAILED", `k8s driver: namespace ${this.namespace} was closed`);
  }

  #claim(volume: string, size: number | undefined): Promise<string> {
    return once(this.#claims, volume, () => ensureClaim(this.#ctx, volume, size));
  }

  #checkOwner(id: string, name: string, annotations: Record<string, string> | undefined): void {
    if (annotations?.[TASK_ID_ANNOTATION] !== id || annotations?.[NAMESPACE_LABEL] !== this.namespace) {
      throw new JetwayError("DRIVER_FAILED", `k8s driver: task ${JSON.stringify(id)}: pod ${name} exists and belongs to something else`);
    }
  }

  async #waitGone(name: string): Promise<void> {
    const deadline = Date.now() + this.#ctx.params.startTimeout * 1000;
    let delay = 50;
    while (await this.#ctx.api.readPod(name)) {
      if (Date.now() >= deadline) throw new JetwayError("DRIVER_FAILED", `k8s driver: pod ${name} of an earlier run is still being deleted`);
      await sleep(delay);
      delay = Math.min(delay * 2, 1000);
    }
  }

  #warnEmptyDir(): void {
    this.#ctx.warn(
      "emptyDir",
      "k8s driver: storage=emptyDir: each pod gets its own empty volume, so tasks cannot pass files to each other (that needs storage=pvc)",
    );
  }

  async #checkSplitStreams(): Promise<void> {
    let version: [number, number];
    try {
      version = await this.#ctx.api.serverVersion();
    } catch {
      // not knowing the version is no reason to refuse: a server without the gate still says so on the log request
      return;
    }
    const [major, minor] = version;
    const [sinceMajor, sinceMinor] = SPLIT_STREAMS_SINCE;
    if (major < sinceMajor || (major === sinceMajor && minor < sinceMinor)) {
      // older servers ignore the unknown `stream` parameter and would hand both sinks the merged log
      throw new JetwayError(
        "DRIVER_FAILED",
        `k8s driver: Kubernetes ${major}.${minor} cannot serve stdout and stderr apart (that came in 1.32 with the PodLogsQuerySplitStreams gate); use streams=merged`,
      );
    }
  }
}

/** The driver volumes a task's pod mounts (its own and its init containers'); scratch volumes are the pod's own. */
function claimedVolumes(task: Task): string[] {
  const scratch = new Set(task.scratchVolumes ?? []);
  const mounts = [...(task.mounts ?? []), ...(task.initContainers ?? []).flatMap((c) => c.mounts ?? [])];
  return [...new Set(mounts.map((m) => m.volume))].filter((v) => !scratch.has(v));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

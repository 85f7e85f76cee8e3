/**
 * The Kubernetes API calls the driver makes, and nothing else: pods and
 * PersistentVolumeClaims in one namespace (create, read, list, delete, delete by
 * label), plus the server version. Failures become DRIVER_FAILED with the API
 * server's own message; "not found" and "already exists" are answers, not errors.
 */
import { STATUS_CODES } from "node:http";
import {
  ApiException,
  CoreV1Api,
  VersionApi,
  type KubeConfig,
  type V1PersistentVolumeClaim,
  type V1Pod,
} from "@kubernetes/client-node";
import { JetwayError } from "../../protocol/errors.ts";

/** Pods are stopped with this grace: long enough for a TERM handler to run, short enough for close() to wait for. */
export const DELETE_GRACE_SECONDS = 1;

export class K8sApi {
  readonly namespace: string;
  readonly server: string;
  readonly #core: CoreV1Api;
  readonly #version: VersionApi;

  constructor(kubeConfig: KubeConfig, namespace: string) {
    this.namespace = namespace;
    this.server = kubeConfig.getCurrentCluster()?.server ?? "";
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
    this.#version = kubeConfig.makeApiClient(VersionApi);
  }

  readPod(name: string): Promise<V1Pod | undefined> {
    return this.#call(`read pod ${name}`, () => this.#core.readNamespacedPod({ name, namespace: this.namespace }), { notFound: undefined });
  }

  /** The created pod, or undefined when one of that name exists already. */
  createPod(body: V1Pod): Promise<V1Pod | undefined> {
    return this.#call(`create pod ${body.metadata?.name}`, () => this.#core.createNamespacedPod({ namespace: this.namespace, body }), {
      conflict: undefined,
    });
  }

  async deletePod(name: string): Promise<void> {
    await this.#call(
      `delete pod ${name}`,
      () => this.#core.deleteNamespacedPod({ name, namespace: this.namespace, gracePeriodSeconds: DELETE_GRACE_SECONDS }),
      { notFound: undefined },
    );
  }

  async listPods(labelSelector: string): Promise<V1Pod[]> {
    const list = await this.#call(`list pods ${labelSelector}`, () => this.#core.listNamespacedPod({ namespace: this.namespace, labelSelector }));
    return list.items;
  }

  async deletePods(labelSelector: string): Promise<void> {
    await this.#call(`delete pods ${labelSelector}`, () =>
      this.#core.deleteCollectionNamespacedPod({ namespace: this.namespace, labelSelector, gracePeriodSeconds: DELETE_GRACE_SECONDS }),
    );
  }

  readClaim(name: string): Promise<V1PersistentVolumeClaim | undefined> {
    return this.#call(`read claim ${name}`, () => this.#core.readNamespacedPersistentVolumeClaim({ name, namespace: this.namespace }), {
      notFound: undefined,
    });
  }

  /** The created claim, or undefined when one of that name exists already. */
  createClaim(body: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim | undefined> {
    return this.#call(
      `create claim ${body.metadata?.name}`,
      () => this.#core.createNamespacedPersistentVolumeClaim({ namespace: this.namespace, body }),
      { conflict: undefined },
    );
  }

  async deleteClaim(name: string): Promise<void> {
    await this.#call(`delete claim ${name}`, () => this.#core.deleteNamespacedPersistentVolumeClaim({ name, namespace: this.namespace }), {
      notFound: undefined,
    });
  }

  async listClaims(labelSelector: string): Promise<V1PersistentVolumeClaim[]> {
    const list = await this.#call(`list claims ${labelSelector}`, () =>
      this.#core.listNamespacedPersistentVolumeClaim({ namespace: this.namespace, labelSelector }),
    );
    return list.items;
  }

  async deleteClaims(labelSelector: string): Promise<void> {
    await this.#call(`delete claims ${labelSelector}`, () =>
      this.#core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace: this.namespace, labelSelector }),
    );
  }

  /** major.minor of the API server, e.g. [1, 33]; distributions append "+" or suffixes to minor. */
  async serverVersion(): Promise<[number, number]> {
    const info = await this.#call("read server version", () => this.#version.getCode());
    return [Number.parseInt(info.major, 10), Number.parseInt(info.minor, 10)];
  }

  async #call<T, U = never>(action: string, run: () => Promise<T>, answers: { notFound?: U; conflict?: U } = {}): Promise<T | U> {
    try {
      return await run();
    } catch (e) {
      const status = e instanceof ApiException ? e.code : undefined;
      if (status === 404 && "notFound" in answers) return answers.notFound as U;
      if (status === 409 && "conflict" in answers) return answers.conflict as U;
      throw apiError(action, this.namespace, this.server, e);
    }
  }
}

/** The API server's Status message when it sent one. */
export function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() || undefined;
    }
  }
  if (parsed && typeof parsed === "object" && "message" in parsed && typeof parsed.message === "string") return parsed.message;
  return undefined;
}

export function apiError(action: string, namespace: string, server: string, e: unknown): JetwayError {
  if (e instanceof JetwayError) return e;
  if (e instanceof ApiException) {
    // the client drops the body of some answers (401): the status text is then all there is
    const message = statusMessage(e.body) ?? STATUS_CODES[e.code] ?? "no message";
    return new JetwayError("DRIVER_FAILED", `k8s driver: ${action} in namespace ${namespace}: ${message} (HTTP ${e.code})`, { cause: e });
  }
  // fetch failures carry the socket error as their cause
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const code = cause && typeof cause === "object" && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  const text = cause instanceof Error ? cause.message : String(cause);
  return new JetwayError("DRIVER_FAILED", `k8s driver: ${action}: cannot reach the API server ${server}: ${code ?? text}`, { cause: e });
}

/**
 * The fake's objects: pods (each with its kubelet, fake-pod.ts) and claims, per
 * namespace. Claims are bound at once to a folder under the fake's root and
 * carry the pvc-protection finalizer's behaviour: a claim deleted while a pod
 * still uses it stays, marked for deletion, until the last such pod is gone.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { FakePod } from "./fake-pod.ts";
import type { ClaimBody, PodBody } from "./schemas.ts";

export interface FakeClaim {
  namespace: string;
  body: ClaimBody;
  dir: string;
  uid: string;
  created: string;
  resourceVersion: string;
  deletionTimestamp?: string;
}

export interface ClusterOptions {
  root: string;
  /** image name -> the environment the image defines */
  images: Record<string, Record<string, string>>;
}

export class FakeCluster {
  readonly pods = new Map<string, FakePod>();
  readonly claims = new Map<string, FakeClaim>();
  readonly #options: ClusterOptions;
  #version = 1000;

  constructor(options: ClusterOptions) {
    this.#options = options;
  }

  nextResourceVersion(): string {
    this.#version += 1;
    return String(this.#version);
  }

  createPod(namespace: string, body: PodBody): FakePod | undefined {
    const key = `${namespace}/${body.metadata.name}`;
    if (this.pods.has(key)) return undefined;
    const pod = new FakePod(namespace, body, {
      dir: join(this.#options.root, "pods", namespace, `${body.metadata.name}-${randomUUID().slice(0, 8)}`),
      imageEnv: (image) => this.#options.images[image],
      claim: (name) => {
        const claim = this.claims.get(`${namespace}/${name}`);
        if (!claim) return { problem: `persistentvolumeclaim "${name}" not found` };
        if (claim.deletionTimestamp) return { problem: `persistentvolumeclaim "${name}" is being deleted` };
        return { dir: claim.dir };
      },
      nextResourceVersion: () => this.nextResourceVersion(),
      removed: (gone) => this.#podRemoved(gone),
    });
    this.pods.set(key, pod);
    return pod;
  }

  pod(namespace: string, name: string): FakePod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  podsIn(namespace: string, selector: Record<string, string>): FakePod[] {
    return [...this.pods.values()].filter((p) => p.namespace === namespace && matches(p.body.metadata.labels, selector));
  }

  createClaim(namespace: string, body: ClaimBody): FakeClaim | undefined {
    const key = `${namespace}/${body.metadata.name}`;
    if (this.claims.has(key)) return undefined;
    const dir = join(this.#options.root, "claims", namespace, `${body.metadata.name}-${randomUUID().slice(0, 8)}`);
    mkdirSync(dir, { recursive: true });
    const claim: FakeClaim = {
      namespace,
      body,
      dir,
      uid: randomUUID(),
      created: new Date().toISOString(),
      resourceVersion: this.nextResourceVersion(),
    };
    this.claims.set(key, claim);
    return claim;
  }

  claim(namespace: string, name: string): FakeClaim | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  claimsIn(namespace: string, selector: Record<string, string>): FakeClaim[] {
    return [...this.claims.values()].filter((c) => c.namespace === namespace && matches(c.body.metadata.labels, selector));
  }

  /** Deletes now, or marks for deletion while a pod still uses the claim. */
  deleteClaim(claim: FakeClaim): void {
    if (this.#inUse(claim)) {
      claim.deletionTimestamp ??= new Date().toISOString();
      claim.resourceVersion = this.nextResourceVersion();
      return;
    }
    this.claims.delete(`${claim.namespace}/${claim.body.metadata.name}`);
    rmSync(claim.dir, { recursive: true, force: true });
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.pods.values()].map((p) => p.kill()));
    for (const claim of [...this.claims.values()]) this.deleteClaim(claim);
  }

  #inUse(claim: FakeClaim): boolean {
    return [...this.pods.values()].some((p) => p.namespace === claim.namespace && p.claimNames().includes(claim.body.metadata.name));
  }

  #podRemoved(pod: FakePod): void {
    this.pods.delete(`${pod.namespace}/${pod.name}`);
    for (const claim of [...this.claims.values()]) {
      if (claim.deletionTimestamp && !this.#inUse(claim)) this.deleteClaim(claim);
    }
  }
}

/** The claim as the API serves it: bound at once, with the protection finalizer. */
export function claimJSON(claim: FakeClaim): unknown {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      ...claim.body.metadata,
      namespace: claim.namespace,
      uid: claim.uid,
      resourceVersion: claim.resourceVersion,
      creationTimestamp: claim.created,
      finalizers: ["kubernetes.io/pvc-protection"],
      ...(claim.deletionTimestamp ? { deletionTimestamp: claim.deletionTimestamp, deletionGracePeriodSeconds: 0 } : {}),
    },
    spec: { ...claim.body.spec, volumeName: `pv-${claim.uid}`, volumeMode: "Filesystem" },
    status: { phase: "Bound", accessModes: claim.body.spec.accessModes, capacity: { storage: claim.body.spec.resources.requests.storage } },
  };
}

function matches(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/**
 * Volumes as PersistentVolumeClaims. A claim outlives the pods that mount it,
 * which is what lets one task hand files to the next; with storage=emptyDir a
 * volume is only a name, each pod gets a fresh empty directory, and nothing is
 * shared. No volume has a host path: the files live on the cluster's storage.
 */
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { JetwayError } from "../../protocol/errors.ts";
import { NAMESPACE_LABEL } from "../names.ts";
import type { Volume } from "../types.ts";
import type { K8sContext } from "./context.ts";
import { VOLUME_NAME_ANNOTATION, claimLabels, claimName } from "./names.ts";

export class K8sVolume implements Volume {
  readonly name: string;
  /** undefined for storage=emptyDir */
  readonly claimName: string | undefined;
  readonly #ctx: K8sContext;
  readonly #onCleanup: () => void;

  constructor(ctx: K8sContext, name: string, claim: string | undefined, onCleanup: () => void) {
    this.#ctx = ctx;
    this.name = name;
    this.claimName = claim;
    this.#onCleanup = onCleanup;
  }

  async cleanup(): Promise<void> {
    if (this.claimName !== undefined) await this.#ctx.api.deleteClaim(this.claimName);
    this.#onCleanup();
  }
}

/** Creates the volume's claim unless it exists; an existing one must be this namespace's claim for this volume. */
export async function ensureClaim(ctx: K8sContext, volume: string, sizeBytes: number | undefined): Promise<string> {
  const name = claimName(ctx.namespace, volume);
  const body: V1PersistentVolumeClaim = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name,
      labels: claimLabels(ctx.namespace, volume),
      annotations: { [VOLUME_NAME_ANNOTATION]: volume, [NAMESPACE_LABEL]: ctx.namespace },
    },
    spec: {
      accessModes: [ctx.params.accessMode],
      resources: { requests: { storage: sizeBytes !== undefined ? String(sizeBytes) : ctx.params.volumeSize } },
      ...(ctx.params.storageClass !== undefined ? { storageClassName: ctx.params.storageClass } : {}),
    },
  };
  if (await ctx.api.createClaim(body)) return name;
  const existing = await ctx.api.readClaim(name);
  const annotations = existing?.metadata?.annotations ?? {};
  if (existing && (annotations[VOLUME_NAME_ANNOTATION] !== volume || annotations[NAMESPACE_LABEL] !== ctx.namespace)) {
    throw new JetwayError("DRIVER_FAILED", `k8s driver: volume ${JSON.stringify(volume)}: claim ${name} exists and belongs to something else`);
  }
  if (existing?.metadata?.deletionTimestamp) {
    throw new JetwayError("DRIVER_FAILED", `k8s driver: volume ${JSON.stringify(volume)}: claim ${name} is being deleted`);
  }
  // gone again between create and read: someone is deleting it concurrently
  if (!existing) throw new JetwayError("DRIVER_FAILED", `k8s driver: volume ${JSON.stringify(volume)}: claim ${name} vanished while being created`);
  return name;
}

/**
 * Kubernetes object names for a jetway namespace's pods and claims. A name is
 * derived (not generated) from the namespace and the task id or volume name, so
 * runContainer and createVolume can get-or-create: the same id always lands on
 * the same object. Names are DNS labels (63 characters of a-z, 0-9, "-"), which
 * pod hostnames need; a digest of the exact inputs keeps distinct ids distinct
 * after lowercasing and truncation.
 */
import { createHash } from "node:crypto";
import { NAMESPACE_LABEL, TASK_LABEL, VOLUME_LABEL, safeName } from "../names.ts";

const MAX_NAME = 63;
const DIGEST = 10;

/** Annotations keep the exact task id and volume name (label values are too narrow for them). */
export const TASK_ID_ANNOTATION = "io.jetway.task-id";
export const VOLUME_NAME_ANNOTATION = "io.jetway.volume-name";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "jetway";
/** The only container of a task's pod. */
export const CONTAINER_NAME = "task";

export function podName(namespace: string, taskId: string): string {
  return objectName("jetway", namespace, "t", taskId);
}

export function claimName(namespace: string, volume: string): string {
  return objectName("jetway", namespace, "v", volume);
}

/** The label selector that finds everything of one jetway namespace. */
export function namespaceSelector(namespace: string): string {
  return `${NAMESPACE_LABEL}=${namespace},${MANAGED_BY_LABEL}=${MANAGED_BY}`;
}

export function podLabels(namespace: string, taskId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [NAMESPACE_LABEL]: namespace, [TASK_LABEL]: safeName(taskId) };
}

export function claimLabels(namespace: string, volume: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [NAMESPACE_LABEL]: namespace, [VOLUME_LABEL]: safeName(volume) };
}

function objectName(prefix: string, namespace: string, kind: string, raw: string): string {
  const digest = createHash("sha256").update(`${namespace}\0${kind}\0${raw}`).digest("hex").slice(0, DIGEST);
  const fixed = `${prefix}-${namespace}-${kind}-`;
  const room = MAX_NAME - fixed.length - DIGEST - 1;
  const readable = dnsPart(raw).slice(0, Math.max(0, room)).replace(/-+$/, "");
  const name = readable === "" ? `${fixed}${digest}` : `${fixed}${readable}-${digest}`;
  // a namespace near 63 characters leaves no room: keep the prefix and the digest only
  return name.length <= MAX_NAME ? name : `${prefix}-${digest}-${createHash("sha256").update(name).digest("hex").slice(0, 20)}`;
}

function dnsPart(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

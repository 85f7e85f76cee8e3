/**
 * A task as a Pod: one container, never restarted, carrying the namespace in its
 * labels. How the task's fields map:
 * - command -> `command` (replaces the image's entrypoint), env -> `env`, exactly;
 *   service links and the service-account token are off so the cluster adds as
 *   little as it can (the kubelet still sets KUBERNETES_SERVICE_HOST/PORT).
 * - stdin -> `stdin: true, stdinOnce: true`: the container's stdin stays open until
 *   the driver attaches, writes and detaches, then the process sees end-of-file.
 * - user -> securityContext.runAsUser (and runAsGroup for "uid:gid"): Kubernetes
 *   takes numbers only, it cannot look names up in the image.
 * - privileged -> securityContext.privileged.
 * - limits.memory (bytes) -> resources.limits.memory; limits.cpu (Concourse cpu
 *   shares, 1024 = one CPU) -> resources.limits.cpu in millicores, shares * 1000 / 1024.
 *   Kubernetes sets requests to the limits when only limits are given, and turns the
 *   cpu request back into the same shares; the limit additionally caps the task at
 *   that much CPU time (CFS quota), where Concourse's shares only weigh it.
 * - mounts -> one pod volume per distinct volume: a PersistentVolumeClaim, or an
 *   emptyDir when the driver runs with storage=emptyDir.
 * - initContainers -> `initContainers`, in order, with the task's working dir;
 *   scratchVolumes -> emptyDir volumes whatever the storage, shared by the
 *   init containers and the task (how the resource executor hands a pod files).
 */
import { posix } from "node:path";
import type { V1Container, V1Pod, V1SecurityContext, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { JetwayError } from "../../protocol/errors.ts";
import { mountPath, stdinBytes, workingDir } from "../task.ts";
import type { Task, TaskMount } from "../types.ts";
import { CONTAINER_NAME, TASK_ID_ANNOTATION, claimName, podLabels, podName } from "./names.ts";
import { NAMESPACE_LABEL } from "../names.ts";

export type Storage = "pvc" | "emptyDir";

export function podManifest(task: Task, namespace: string, storage: Storage): V1Pod {
  const volumes: V1Volume[] = [];
  const podVolumeOf = new Map<string, string>();
  const scratch = new Set(task.scratchVolumes ?? []);
  const mountsOf = (mounts: readonly TaskMount[] | undefined): V1VolumeMount[] =>
    (mounts ?? []).map((mount) => {
      let podVolume = podVolumeOf.get(mount.volume);
      if (podVolume === undefined) {
        podVolume = `volume-${podVolumeOf.size}`;
        podVolumeOf.set(mount.volume, podVolume);
        volumes.push(
          storage === "pvc" && !scratch.has(mount.volume)
            ? { name: podVolume, persistentVolumeClaim: { claimName: claimName(namespace, mount.volume) } }
            : { name: podVolume, emptyDir: {} },
        );
      }
      return { name: podVolume, mountPath: mountPath(task, mount), ...(mount.readOnly ? { readOnly: true } : {}) };
    });
  const initContainers: V1Container[] = (task.initContainers ?? []).map((init) => {
    if (init.name === CONTAINER_NAME) {
      throw new JetwayError("INVALID_CONFIG", `k8s driver: task ${JSON.stringify(task.id)}: init container name ${JSON.stringify(init.name)} is the task's own`);
    }
    const initMounts = mountsOf(init.mounts);
    return {
      name: init.name,
      image: init.image,
      command: init.command,
      workingDir: posix.normalize(workingDir(task)),
      ...(initMounts.length > 0 ? { volumeMounts: initMounts } : {}),
    };
  });
  const volumeMounts = mountsOf(task.mounts);
  const securityContext = securityContextOf(task);
  const limits = limitsOf(task);
  const stdin = stdinBytes(task);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(namespace, task.id),
      labels: podLabels(namespace, task.id),
      annotations: { [TASK_ID_ANNOTATION]: task.id, [NAMESPACE_LABEL]: namespace },
    },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(initContainers.length > 0 ? { initContainers } : {}),
      containers: [
        {
          name: CONTAINER_NAME,
          image: task.image,
          command: task.command,
          env: Object.entries(task.env ?? {}).map(([name, value]) => ({ name, value })),
          workingDir: posix.normalize(workingDir(task)),
          ...(stdin !== undefined && stdin.length > 0 ? { stdin: true, stdinOnce: true } : {}),
          ...(securityContext ? { securityContext } : {}),
          ...(limits ? { resources: { limits } } : {}),
          ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
        },
      ],
      ...(volumes.length > 0 ? { volumes } : {}),
    },
  };
}

/** Millicores for Concourse cpu shares (1024 shares = one CPU = 1000m), at least 1m. */
export function cpuMillicores(shares: number): number {
  return Math.max(1, Math.round((shares * 1000) / 1024));
}

function limitsOf(task: Task): Record<string, string> | undefined {
  const limits: Record<string, string> = {};
  if (task.limits?.memory !== undefined) limits.memory = String(task.limits.memory);
  if (task.limits?.cpu !== undefined) limits.cpu = `${cpuMillicores(task.limits.cpu)}m`;
  return Object.keys(limits).length > 0 ? limits : undefined;
}

function securityContextOf(task: Task): V1SecurityContext | undefined {
  const context: V1SecurityContext = {};
  if (task.user !== undefined) Object.assign(context, numericUser(task));
  if (task.privileged) context.privileged = true;
  return Object.keys(context).length > 0 ? context : undefined;
}

/** "1000", "1000:1000" or "root"; a user name cannot be resolved without the image's /etc/passwd. */
function numericUser(task: Task): Pick<V1SecurityContext, "runAsUser" | "runAsGroup"> {
  const user = task.user ?? "";
  if (user === "root") return { runAsUser: 0 };
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!match) {
    throw new JetwayError(
      "DRIVER_FAILED",
      `k8s driver: task ${JSON.stringify(task.id)}: user ${JSON.stringify(user)} is not numeric; ` +
        `Kubernetes runs a container as a uid (securityContext.runAsUser), so give "UID" or "UID:GID"`,
    );
  }
  const [, uid = "", gid] = match;
  return { runAsUser: Number(uid), ...(gid !== undefined ? { runAsGroup: Number(gid) } : {}) };
}

/**
 * What a pod's status says about its task. Some waiting reasons never resolve by
 * waiting under restartPolicy Never (an image that cannot be pulled, a config the
 * kubelet refuses), and a command that cannot be executed shows as a terminated
 * container with a start error rather than an exit status: both are failures to
 * run, reported as such instead of as a pending pod or an exit code.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { CONTAINER_NAME } from "./names.ts";

export type PodState =
  | { kind: "pending"; detail: string }
  | { kind: "running" }
  | { kind: "exited"; exitCode: number }
  | { kind: "failed"; message: string };

/** The kubelet's waiting reasons that restartPolicy Never will not get past. */
const IMAGE_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
const CREATE_FAILURES = new Set([
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
  "CrashLoopBackOff",
  "PreStartHookError",
  "PostStartHookError",
]);
/** Terminated reasons that mean the program never ran: containerd says StartError, dockershim ContainerCannotRun. */
const START_FAILURES = new Set(["StartError", "ContainerCannotRun"]);

export function podState(pod: V1Pod): PodState {
  const status = pod.status;
  const initFailure = initContainerFailure(pod);
  if (initFailure !== undefined) return { kind: "failed", message: initFailure };
  const container = status?.containerStatuses?.find((c) => c.name === CONTAINER_NAME);
  const image = pod.spec?.containers.find((c) => c.name === CONTAINER_NAME)?.image ?? "";
  const terminated = container?.state?.terminated;
  if (terminated) {
    if (terminated.reason !== undefined && START_FAILURES.has(terminated.reason)) {
      return { kind: "failed", message: `the command could not be started (${terminated.reason}): ${terminated.message ?? "no message"}` };
    }
    return { kind: "exited", exitCode: terminated.exitCode };
  }
  if (container?.state?.running) return { kind: "running" };
  const waiting = container?.state?.waiting;
  if (waiting?.reason !== undefined && IMAGE_FAILURES.has(waiting.reason)) {
    return { kind: "failed", message: `image ${JSON.stringify(image)} cannot be pulled (${waiting.reason}): ${waiting.message ?? "no message"}` };
  }
  if (waiting?.reason !== undefined && CREATE_FAILURES.has(waiting.reason)) {
    return { kind: "failed", message: `the container could not be created (${waiting.reason}): ${waiting.message ?? "no message"}` };
  }
  if (status?.phase === "Failed") {
    // evicted, deadline exceeded, node lost: the pod failed without a container status to tell
    return { kind: "failed", message: `the pod failed (${status.reason ?? "no reason"}): ${status.message ?? "no message"}` };
  }
  if (waiting?.reason !== undefined) return { kind: "pending", detail: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` };
  const unscheduled = status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) return { kind: "pending", detail: `not scheduled (${unscheduled.reason ?? "no reason"}): ${unscheduled.message ?? ""}`.trim() };
  return { kind: "pending", detail: `phase ${status?.phase ?? "unknown"}` };
}

/** Under restartPolicy Never, an init container that failed or cannot be pulled keeps the task from ever starting. */
function initContainerFailure(pod: V1Pod): string | undefined {
  for (const init of pod.status?.initContainerStatuses ?? []) {
    const terminated = init.state?.terminated;
    if (terminated && terminated.exitCode !== 0) {
      const why = terminated.reason !== undefined && START_FAILURES.has(terminated.reason) ? `could not be started (${terminated.reason})` : `exited ${terminated.exitCode}`;
      return `init container ${init.name} ${why}${terminated.message ? `: ${terminated.message}` : ""}`;
    }
    const waiting = init.state?.waiting;
    if (waiting?.reason !== undefined && (IMAGE_FAILURES.has(waiting.reason) || CREATE_FAILURES.has(waiting.reason))) {
      return `init container ${init.name} cannot run (${waiting.reason}): ${waiting.message ?? "no message"}`;
    }
  }
  return undefined;
}

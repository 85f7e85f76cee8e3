/**
 * Pod statuses the API fake does not produce (a different container runtime, an
 * evicted pod, a kubelet refusing the config), written as kubelets report them.
 */
import type { V1ContainerState, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podState } from "./pod-state.ts";

function pod(state: V1ContainerState | undefined, status: Partial<NonNullable<V1Pod["status"]>> = {}): V1Pod {
  return {
    spec: { containers: [{ name: "task", image: "registry.example/app:1" }] },
    status: {
      phase: "Pending",
      ...status,
      ...(state ? { containerStatuses: [{ name: "task", image: "registry.example/app:1", imageID: "", ready: false, restartCount: 0, state }] } : {}),
    },
  };
}

describe("podState", () => {
  it("an exit code is an exit, whatever the reason (OOMKilled is still the program's end)", () => {
    expect(podState(pod({ terminated: { exitCode: 137, reason: "OOMKilled" } }, { phase: "Failed" }))).toEqual({ kind: "exited", exitCode: 137 });
    expect(podState(pod({ terminated: { exitCode: 0, reason: "Completed" } }, { phase: "Succeeded" }))).toEqual({ kind: "exited", exitCode: 0 });
  });

  it("a program that never started is a failure under containerd and under dockershim", () => {
    const containerd = podState(pod({ terminated: { exitCode: 128, reason: "StartError", message: 'exec: "nope": executable file not found in $PATH' } }));
    expect(containerd).toEqual({ kind: "failed", message: 'the command could not be started (StartError): exec: "nope": executable file not found in $PATH' });
    const docker = podState(pod({ terminated: { exitCode: 127, reason: "ContainerCannotRun", message: "OCI runtime create failed" } }));
    expect(docker).toMatchObject({ kind: "failed", message: expect.stringContaining("(ContainerCannotRun)") });
  });

  it("waiting reasons that never resolve under restartPolicy Never are failures naming the image or the cause", () => {
    expect(podState(pod({ waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "registry.example/app:1"' } }))).toEqual({
      kind: "failed",
      message: 'image "registry.example/app:1" cannot be pulled (ImagePullBackOff): Back-off pulling image "registry.example/app:1"',
    });
    expect(podState(pod({ waiting: { reason: "InvalidImageName" } }))).toMatchObject({ kind: "failed" });
    expect(podState(pod({ waiting: { reason: "CreateContainerConfigError", message: 'secret "x" not found' } }))).toEqual({
      kind: "failed",
      message: 'the container could not be created (CreateContainerConfigError): secret "x" not found',
    });
  });

  it("a pod that failed without a container status (evicted) is a failure with the pod's reason", () => {
    expect(podState(pod(undefined, { phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory." }))).toEqual({
      kind: "failed",
      message: "the pod failed (Evicted): The node was low on resource: memory.",
    });
  });

  it("everything else is pending, with what it waits for", () => {
    expect(podState(pod({ waiting: { reason: "ContainerCreating" } }))).toEqual({ kind: "pending", detail: "ContainerCreating" });
    expect(
      podState(pod(undefined, { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available" }] })),
    ).toEqual({ kind: "pending", detail: "not scheduled (Unschedulable): 0/3 nodes are available" });
    expect(podState(pod(undefined))).toEqual({ kind: "pending", detail: "phase Pending" });
    expect(podState(pod({ running: {} }, { phase: "Running" }))).toEqual({ kind: "running" });
  });
});

/**
 * A task's stdin, delivered through the attach subresource (a WebSocket speaking
 * the channel.k8s.io protocols). The pod is created with `stdin: true,
 * stdinOnce: true`, so its container's stdin stays open, unread, until someone
 * attaches; the driver attaches once the container runs, writes the bytes and
 * detaches, and the kubelet then closes the container's stdin (end-of-file).
 * Nothing is lost to the race between start and attach: a process blocks on
 * its read until the bytes come.
 */
import { once } from "node:events";
import { Readable } from "node:stream";
import { Attach, type KubeConfig } from "@kubernetes/client-node";
import { JetwayError } from "../../protocol/errors.ts";
import { CONTAINER_NAME } from "./names.ts";

/** The part of the `ws` WebSocket that attach returns and this module uses. */
interface AttachSocket {
  readonly readyState: number;
  close(): void;
  once(event: "close", listener: () => void): unknown;
}

const CLOSED = 3;

export async function writeStdin(kubeConfig: KubeConfig, namespace: string, pod: string, bytes: Uint8Array, timeoutMs: number): Promise<void> {
  const input = Readable.from([Buffer.from(bytes)], { objectMode: false });
  // listen before attaching: attach starts the stream flowing, and "end" may come before it returns
  const ended = once(input, "end");
  let socket: AttachSocket;
  try {
    socket = (await new Attach(kubeConfig).attach(namespace, pod, CONTAINER_NAME, null, null, input, false)) as AttachSocket;
  } catch (e) {
    input.destroy();
    throw new JetwayError("DRIVER_FAILED", `k8s driver: attach to pod ${pod} to write stdin: ${describe(e)}`, { cause: e });
  }
  const closed = new Promise<void>((resolve) => {
    if (socket.readyState === CLOSED) resolve();
    else socket.once("close", () => resolve());
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new JetwayError("DRIVER_FAILED", `k8s driver: writing stdin to pod ${pod} did not finish within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    // at the end of the input the client closes the stdin channel (protocol v5) or the whole socket (older
    // versions); detaching as well is what ends the session for good, and with stdinOnce stdin stays closed
    await Promise.race([ended.then(() => socket.close()), timeout]);
    await Promise.race([closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  // ws reports a failed upgrade as an ErrorEvent-like object
  if (e && typeof e === "object" && "message" in e && typeof e.message === "string") return e.message;
  return String(e);
}

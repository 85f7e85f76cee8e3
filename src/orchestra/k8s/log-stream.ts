/**
 * Reads a container's log through the pod log endpoint as bytes, streamed into a
 * sink. client-node's Log helper neither passes `stream` (stdout or stderr
 * only) nor reports the end of a followed log, so the request is made here with
 * the kubeconfig's own TLS and auth options applied.
 */
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { JetwayError } from "../../protocol/errors.ts";
import type { LogSink } from "../types.ts";
import { statusMessage } from "./api.ts";
import { CONTAINER_NAME } from "./names.ts";

export interface LogRequest {
  namespace: string;
  pod: string;
  /** omitted: both streams, interleaved (the endpoint's default) */
  stream?: "Stdout" | "Stderr";
  follow: boolean;
}

/** Thrown when the API server answers with a Status instead of a log. */
export class LogRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function streamLog(kubeConfig: KubeConfig, request: LogRequest, sink: LogSink, signal?: AbortSignal): Promise<void> {
  const server = kubeConfig.getCurrentCluster()?.server ?? "";
  // the server URL may carry a path prefix (API proxies), so append rather than resolve
  const url = new URL(`${server.replace(/\/+$/, "")}/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/log`);
  url.searchParams.set("container", CONTAINER_NAME);
  if (request.follow) url.searchParams.set("follow", "true");
  if (request.stream !== undefined) url.searchParams.set("stream", request.stream);
  const options: https.RequestOptions = { method: "GET" };
  await kubeConfig.applyToHTTPSOptions(options);
  if (signal !== undefined) options.signal = signal;
  const transport = url.protocol === "https:" ? https : http;
  const cutOff = (e: unknown) =>
    new JetwayError("DRIVER_FAILED", `k8s driver: the log of pod ${request.pod} was cut off: ${errorCode(e)}`, { cause: e });
  await new Promise<void>((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => reject(new LogRequestError(status, statusMessage(Buffer.concat(chunks).toString("utf8")) ?? `HTTP ${status}`)));
        res.on("error", (e) => reject(cutOff(e)));
        return;
      }
      res.on("data", (c: Buffer) => sink(c));
      res.on("end", resolve);
      // a connection lost before the end of a followed log is a failure, not an early end
      res.on("error", (e) => reject(cutOff(e)));
    });
    req.on("error", (e) => {
      if (signal?.aborted) reject(signal.reason);
      else reject(new JetwayError("DRIVER_FAILED", `k8s driver: read the log of pod ${request.pod}: cannot reach the API server ${server}: ${errorCode(e)}`, { cause: e }));
    });
    req.end();
  });
}

function errorCode(e: unknown): string {
  if (e && typeof e === "object" && "code" in e && typeof e.code === "string") return e.code;
  return e instanceof Error ? e.message : String(e);
}

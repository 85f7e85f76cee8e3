/**
 * The fake's HTTP side: exactly the routes and query parameters the k8s driver
 * uses, each answered the way kube-apiserver answers it (Status objects with
 * reason and code on failure). Any other request, or a known route with a query
 * parameter or body the driver does not send, is answered 400 and recorded in
 * `unexpected`, so a test can fail on API use the fake was not written for.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { FakeCluster } from "./cluster.ts";
import { claimJSON } from "./cluster.ts";
import type { LogStream } from "./fake-pod.ts";
import { claimBody, describeIssue, podBody } from "./schemas.ts";
import { acceptWebSocket, refuseUpgrade } from "./websocket.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

export interface ServerOptions {
  token: string;
  namespaces: readonly string[];
  version: { major: number; minor: number };
  /** the PodLogsQuerySplitStreams feature gate */
  splitStreams: boolean;
}

/** A failure the next matching requests get instead of their answer (tests of error handling). */
export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  reason: string;
  message: string;
  /** how many requests it hits; default 1 */
  times?: number;
}

export interface Recorder {
  requests: RecordedRequest[];
  unexpected: string[];
  faults: Fault[];
}

type Handler = (ctx: RouteContext) => Promise<void> | void;

interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  namespace: string;
  name: string;
  query: Record<string, string>;
  body: unknown;
}

interface Route {
  method: string;
  path: RegExp;
  query: readonly string[];
  handler: Handler;
}

const NS = "/api/v1/namespaces/([^/]+)";

export function createHandlers(cluster: FakeCluster, options: ServerOptions, recorder: Recorder) {
  const status = (res: ServerResponse, code: number, reason: string, message: string) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }));
  };
  const json = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const unexpected = (res: ServerResponse, what: string) => {
    recorder.unexpected.push(what);
    status(res, 400, "BadRequest", `k8s-fake: unexpected request: ${what}`);
  };
  const namespaceExists = (ctx: RouteContext) => {
    if (options.namespaces.includes(ctx.namespace)) return true;
    status(ctx.res, 404, "NotFound", `namespaces "${ctx.namespace}" not found`);
    return false;
  };
  const selectorOf = (ctx: RouteContext): Record<string, string> | undefined => {
    const raw = ctx.query.labelSelector;
    if (raw === undefined || raw === "") return undefined;
    const selector: Record<string, string> = {};
    for (const term of raw.split(",")) {
      const match = /^([^=!]+)=([^=]*)$/.exec(term);
      if (!match) return undefined;
      selector[match[1]!] = match[2]!;
    }
    return selector;
  };
  const grace = (ctx: RouteContext) => (ctx.query.gracePeriodSeconds === undefined ? 30 : Number(ctx.query.gracePeriodSeconds));

  const routes: Route[] = [
    {
      method: "GET",
      path: /^\/version$/,
      query: [],
      handler: ({ res }) =>
        json(res, 200, {
          major: String(options.version.major),
          minor: String(options.version.minor),
          gitVersion: `v${options.version.major}.${options.version.minor}.0`,
          gitCommit: "0000000000000000000000000000000000000000",
          gitTreeState: "clean",
          buildDate: "2026-01-01T00:00:00Z",
          goVersion: "go1.24.0",
          compiler: "gc",
          platform: "linux/amd64",
        }),
    },
    {
      method: "POST",
      path: new RegExp(`^${NS}/pods$`),
      query: [],
      handler: (ctx) => {
        if (!namespaceExists(ctx)) return;
        const parsed = podBody.safeParse(ctx.body);
        if (!parsed.success) {
          recorder.unexpected.push(`pod body: ${describeIssue(parsed.error)}`);
          return status(ctx.res, 422, "Invalid", `Pod is invalid: ${describeIssue(parsed.error)}`);
        }
        const pod = cluster.createPod(ctx.namespace, parsed.data);
        if (!pod) return status(ctx.res, 409, "AlreadyExists", `pods "${parsed.data.metadata.name}" already exists`);
        json(ctx.res, 201, pod);
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${NS}/pods$`),
      query: ["labelSelector"],
      handler: (ctx) => {
        const selector = selectorOf(ctx);
        if (!selector) return unexpected(ctx.res, `list pods without an equality label selector (${ctx.query.labelSelector ?? "none"})`);
        json(ctx.res, 200, { apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: cluster.nextResourceVersion() }, items: cluster.podsIn(ctx.namespace, selector) });
      },
    },
    {
      method: "DELETE",
      path: new RegExp(`^${NS}/pods$`),
      query: ["labelSelector", "gracePeriodSeconds"],
      handler: (ctx) => {
        const selector = selectorOf(ctx);
        if (!selector) return unexpected(ctx.res, `delete pods without an equality label selector (${ctx.query.labelSelector ?? "none"})`);
        const pods = cluster.podsIn(ctx.namespace, selector);
        for (const pod of pods) pod.delete(grace(ctx));
        json(ctx.res, 200, { apiVersion: "v1", kind: "PodList", metadata: {}, items: pods });
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${NS}/pods/([^/]+)$`),
      query: [],
      handler: (ctx) => {
        const pod = cluster.pod(ctx.namespace, ctx.name);
        if (!pod) return status(ctx.res, 404, "NotFound", `pods "${ctx.name}" not found`);
        json(ctx.res, 200, pod);
      },
    },
    {
      method: "DELETE",
      path: new RegExp(`^${NS}/pods/([^/]+)$`),
      query: ["gracePeriodSeconds"],
      handler: (ctx) => {
        const pod = cluster.pod(ctx.namespace, ctx.name);
        if (!pod) return status(ctx.res, 404, "NotFound", `pods "${ctx.name}" not found`);
        pod.delete(grace(ctx));
        json(ctx.res, 200, pod);
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${NS}/pods/([^/]+)/log$`),
      query: ["container", "follow", "stream"],
      handler: (ctx) => podLog(ctx),
    },
    {
      method: "POST",
      path: new RegExp(`^${NS}/persistentvolumeclaims$`),
      query: [],
      handler: (ctx) => {
        if (!namespaceExists(ctx)) return;
        const parsed = claimBody.safeParse(ctx.body);
        if (!parsed.success) {
          recorder.unexpected.push(`claim body: ${describeIssue(parsed.error)}`);
          return status(ctx.res, 422, "Invalid", `PersistentVolumeClaim is invalid: ${describeIssue(parsed.error)}`);
        }
        const claim = cluster.createClaim(ctx.namespace, parsed.data);
        if (!claim) return status(ctx.res, 409, "AlreadyExists", `persistentvolumeclaims "${parsed.data.metadata.name}" already exists`);
        json(ctx.res, 201, claimJSON(claim));
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${NS}/persistentvolumeclaims$`),
      query: ["labelSelector"],
      handler: (ctx) => {
        const selector = selectorOf(ctx);
        if (!selector) return unexpected(ctx.res, `list claims without an equality label selector (${ctx.query.labelSelector ?? "none"})`);
        json(ctx.res, 200, {
          apiVersion: "v1",
          kind: "PersistentVolumeClaimList",
          metadata: { resourceVersion: cluster.nextResourceVersion() },
          items: cluster.claimsIn(ctx.namespace, selector).map(claimJSON),
        });
      },
    },
    {
      method: "DELETE",
      path: new RegExp(`^${NS}/persistentvolumeclaims$`),
      query: ["labelSelector"],
      handler: (ctx) => {
        const selector = selectorOf(ctx);
        if (!selector) return unexpected(ctx.res, `delete claims without an equality label selector (${ctx.query.labelSelector ?? "none"})`);
        const claims = cluster.claimsIn(ctx.namespace, selector);
        const items = claims.map(claimJSON);
        for (const claim of claims) cluster.deleteClaim(claim);
        json(ctx.res, 200, { apiVersion: "v1", kind: "PersistentVolumeClaimList", metadata: {}, items });
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${NS}/persistentvolumeclaims/([^/]+)$`),
      query: [],
      handler: (ctx) => {
        const claim = cluster.claim(ctx.namespace, ctx.name);
        if (!claim) return status(ctx.res, 404, "NotFound", `persistentvolumeclaims "${ctx.name}" not found`);
        json(ctx.res, 200, claimJSON(claim));
      },
    },
    {
      method: "DELETE",
      path: new RegExp(`^${NS}/persistentvolumeclaims/([^/]+)$`),
      query: [],
      handler: (ctx) => {
        const claim = cluster.claim(ctx.namespace, ctx.name);
        if (!claim) return status(ctx.res, 404, "NotFound", `persistentvolumeclaims "${ctx.name}" not found`);
        cluster.deleteClaim(claim);
        json(ctx.res, 200, claimJSON(claim));
      },
    },
  ];

  function podLog(ctx: RouteContext): void {
    const { res, query } = ctx;
    const pod = cluster.pod(ctx.namespace, ctx.name);
    if (!pod) return status(res, 404, "NotFound", `pods "${ctx.name}" not found`);
    if (query.container !== pod.container.name) {
      return status(res, 400, "BadRequest", `container ${query.container ?? "(none)"} is not valid for pod ${ctx.name}`);
    }
    if (query.follow !== undefined && query.follow !== "true" && query.follow !== "false") {
      return unexpected(res, `log follow=${query.follow}`);
    }
    let stream: LogStream = "All";
    if (query.stream !== undefined) {
      // with the gate off, kube-apiserver refuses any stream; with it on, only these three
      if (!options.splitStreams) {
        return status(res, 422, "Invalid", `PodLogOptions "${ctx.name}" is invalid: stream: Forbidden: may not be specified`);
      }
      if (query.stream !== "Stdout" && query.stream !== "Stderr" && query.stream !== "All") {
        return status(res, 422, "Invalid", `PodLogOptions "${ctx.name}" is invalid: stream: Unsupported value: "${query.stream}"`);
      }
      stream = query.stream;
    }
    if (pod.containerPhase === "waiting") {
      return status(res, 400, "BadRequest", `container "${pod.container.name}" in pod "${ctx.name}" is waiting to start: ${pod.waitingReason}`);
    }
    res.writeHead(200, { "content-type": "text/plain" });
    const existing = pod.log(stream);
    if (existing.length > 0) res.write(existing);
    if (query.follow !== "true") {
      res.end();
      return;
    }
    const unsubscribe = pod.follow(
      stream,
      (data) => res.write(data),
      () => res.end(),
    );
    res.on("close", unsubscribe);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    const bodyText = await readBody(req);
    let body: unknown;
    if (bodyText !== "") {
      try {
        body = JSON.parse(bodyText);
      } catch {
        return status(res, 400, "BadRequest", "k8s-fake: body is not JSON");
      }
    }
    recorder.requests.push({ method: req.method ?? "", path: url.pathname, query, ...(body !== undefined ? { body } : {}) });
    if (req.headers.authorization !== `Bearer ${options.token}`) return status(res, 401, "Unauthorized", "Unauthorized");
    const fault = recorder.faults.find((f) => f.method === req.method && f.path.test(url.pathname));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) recorder.faults.splice(recorder.faults.indexOf(fault), 1);
      return status(res, fault.status, fault.reason, fault.message);
    }
    const what = `${req.method} ${url.pathname}${url.search}`;
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const match = route.path.exec(url.pathname);
      if (!match) continue;
      const extra = Object.keys(query).filter((k) => !route.query.includes(k));
      if (extra.length > 0) return unexpected(res, `${what} (query parameter ${extra.join(", ")})`);
      if (body !== undefined && req.method !== "POST") return unexpected(res, `${what} with a body`);
      await route.handler({
        req,
        res,
        namespace: decodeURIComponent(match[1] ?? ""),
        name: decodeURIComponent(match[2] ?? ""),
        query,
        body,
      });
      return;
    }
    unexpected(res, what);
  }

  /** The attach subresource: stdin only, over the channel.k8s.io WebSocket protocols. */
  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    recorder.requests.push({ method: "UPGRADE", path: url.pathname, query });
    const refuse = (code: number, reason: string, message: string) =>
      refuseUpgrade(socket, code, JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code }));
    if (req.headers.authorization !== `Bearer ${options.token}`) return refuse(401, "Unauthorized", "Unauthorized");
    const match = new RegExp(`^${NS}/pods/([^/]+)/attach$`).exec(url.pathname);
    const expected = { container: "task", stdin: "true", stdout: "false", stderr: "false", tty: "false" };
    if (!match || JSON.stringify(Object.entries(query).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
      const what = `UPGRADE ${url.pathname}${url.search}`;
      recorder.unexpected.push(what);
      return refuse(400, "BadRequest", `k8s-fake: unexpected request: ${what}`);
    }
    const pod = cluster.pod(decodeURIComponent(match[1] ?? ""), decodeURIComponent(match[2] ?? ""));
    if (!pod) return refuse(404, "NotFound", `pods "${match[2]}" not found`);
    if (pod.containerPhase !== "running") return refuse(400, "BadRequest", `container ${pod.container.name} is not running`);
    const stdin = pod.attachStdin();
    if (!stdin) return refuse(400, "BadRequest", `stdin is not open for container ${pod.container.name}`);
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    const protocol = ["v5.channel.k8s.io", "v4.channel.k8s.io"].find((p) => offered.includes(p));
    if (!protocol) return refuse(400, "BadRequest", `k8s-fake: no supported subprotocol in ${offered.join(", ")}`);
    const ws = acceptWebSocket(req, socket, head, protocol);
    ws.on("message", (data) => {
      const channel = data[0];
      if (channel === 0) stdin.write(data.subarray(1));
      // v5: a close of the stdin channel is the end of input
      else if (channel === 255 && protocol === "v5.channel.k8s.io" && data[1] === 0) stdin.end();
      else recorder.unexpected.push(`attach: message on channel ${channel}`);
    });
    // stdinOnce: the container's stdin closes when the attach ends
    ws.on("close", () => stdin.end());
    const onEnded = () => {
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ metadata: {}, status: "Success" }))]));
      ws.close();
    };
    pod.once("ended", onEnded);
    ws.on("close", () => pod.off("ended", onEnded));
  }

  return { onRequest, onUpgrade };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

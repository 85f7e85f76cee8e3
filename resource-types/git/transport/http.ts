/**
 * Smart-HTTP client on node:http/https for isomorphic-git. Credentials come
 * from the URI's user info, else username/password, and are sent up front as
 * Basic auth (what git does with a ~/.netrc `default` line), never to another
 * host after a redirect. Redirects of the ref listing are remembered and
 * applied to the later POSTs, as git's http.followRedirects=initial does.
 */
import http from "node:http";
import https from "node:https";
import { JetwayError } from "../../../src/protocol/errors.ts";
import { deadline, guardedBody } from "./guard.ts";
import { bodyStream, collectBytes } from "./pktline.ts";
import { ConnectAgent, hostOf, proxyAuthorization, proxyFor } from "./proxy.ts";
import { checkFraming, responseIsFramed } from "./framing.ts";
import { DEFAULT_TIMEOUT_MS, type GitHttpRequest, type GitHttpResponse, type GitService, type HttpClient } from "./types.ts";

export interface HttpTransportOptions {
  username?: string | undefined;
  password?: string | undefined;
  skip_ssl_verification?: boolean | undefined;
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface HttpTransport {
  /** The URL without credentials, for isomorphic-git. */
  url: string;
  http: HttpClient;
  close(): void;
}

const MAX_REDIRECTS = 5;
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
]);

export function createHttpTransport(uri: URL, options: HttpTransportOptions): HttpTransport {
  const base = new URL(uri.href);
  const username = base.username !== "" ? decodeURIComponent(base.username) : options.username;
  const password = base.password !== "" || base.username !== "" ? decodeURIComponent(base.password) : options.password;
  base.username = "";
  base.password = "";
  const cleanBase = base.href.replace(/\/+$/, "");
  const authHost = base.host;
  const authorization =
    username !== undefined && username !== "" ? `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}` : undefined;
  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const env = options.env ?? process.env;
  const rejectUnauthorized = options.skip_ssl_verification !== true;
  const agents = new Map<string, http.Agent>();
  const rewrites: Array<[from: string, to: string]> = [];

  function agentFor(target: URL, proxy: URL | undefined): http.Agent {
    const key = `${target.protocol}|${proxy?.href ?? ""}`;
    let agent = agents.get(key);
    if (!agent) {
      const common = { keepAlive: true, maxSockets: 4 };
      if (target.protocol === "https:" && proxy) agent = new ConnectAgent(proxy, { ...common, rejectUnauthorized, timeoutMs });
      else if (target.protocol === "https:") agent = new https.Agent({ ...common, rejectUnauthorized });
      else agent = new http.Agent(common);
      agents.set(key, agent);
    }
    return agent;
  }

  function rewrite(url: string): string {
    for (const [from, to] of rewrites) if (url.startsWith(from)) return to + url.slice(from.length);
    return url;
  }

  async function request(req: GitHttpRequest): Promise<GitHttpResponse> {
    const method = (req.method ?? "GET").toUpperCase();
    // isomorphic-git builds request bodies in memory anyway; holding them lets a 307 replay them
    const body = req.body === undefined ? undefined : await collectBytes(bodyStream(req.body));
    let url = rewrite(req.url);
    const service = /\/(git-upload-pack|git-receive-pack)$/.exec(new URL(url).pathname)?.[1] as GitService | undefined;
    const signal = req.signal ?? options.signal;
    for (let hop = 0; ; hop++) {
      const target = new URL(url);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
      delete headers.authorization;
      if (authorization && target.host === authHost) headers.authorization = authorization;
      if (body) headers["content-length"] = String(body.length);
      const res = await send(target, method, headers, body, signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        res.resume();
        if (hop >= MAX_REDIRECTS) throw new JetwayError("OPERATION_FAILED", `too many redirects from ${safe(req.url)}`);
        const next = new URL(location, target).href;
        rememberRedirect(url, next);
        url = next;
        continue;
      }
      if (status === 401 || status === 403) {
        res.resume();
        throw new JetwayError(
          "OPERATION_FAILED",
          `${repoUrl(target)}: authentication failed (HTTP ${status}${authorization ? "" : ", no credentials given"})`,
        );
      }
      if (status === 404) {
        res.resume();
        throw new JetwayError("OPERATION_FAILED", `repository '${repoUrl(target)}' not found (HTTP 404)`);
      }
      if (status >= 400) {
        const text = (await collectBytes(guarded(res, target)).catch(() => Buffer.alloc(0))).toString("utf8");
        const detail = text.split(/\r?\n/).find((l) => l.trim() !== "")?.slice(0, 200);
        throw new JetwayError(
          "OPERATION_FAILED",
          `${repoUrl(target)}: HTTP ${status} ${res.statusMessage ?? ""}${detail ? `: ${detail}` : ""}`.replace(/\s+:/, ":"),
        );
      }
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
      return {
        url,
        method,
        statusCode: status,
        statusMessage: res.statusMessage ?? "",
        headers: outHeaders,
        body:
          body !== undefined && service !== undefined && responseIsFramed(service, body)
            ? checkFraming(guarded(res, target, signal), (n) => truncated(target, n))
            : guarded(res, target, signal),
      };
    }
  }

  function rememberRedirect(from: string, to: string): void {
    const suffix = /\/info\/refs\?service=git-(upload|receive)-pack$/;
    const m = suffix.exec(from);
    if (!m || !to.endsWith(m[0])) return;
    rewrites.unshift([from.slice(0, -m[0].length), to.slice(0, -m[0].length)]);
  }

  function send(
    target: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    signal: AbortSignal | undefined,
  ): Promise<http.IncomingMessage> {
    const proxy = proxyFor(target, env);
    const agent = agentFor(target, proxy);
    const isHttps = target.protocol === "https:";
    let req: http.ClientRequest;
    if (proxy && !isHttps) {
      const auth = proxyAuthorization(proxy);
      if (auth) headers["proxy-authorization"] = auth;
      req = http.request({
        host: proxy.hostname,
        port: proxy.port || 80,
        method,
        path: target.href,
        headers: { ...headers, host: target.host },
        agent,
      });
    } else {
      const opts: https.RequestOptions = {
        host: target.hostname.replace(/^\[|\]$/g, ""),
        port: target.port || (isHttps ? 443 : 80),
        method,
        path: target.pathname + target.search,
        headers,
        agent,
      };
      if (isHttps) opts.rejectUnauthorized = rejectUnauthorized;
      req = (isHttps ? https : http).request(opts);
    }
    const where = proxy ? `proxy ${hostOf(proxy)}` : hostOf(target);
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      req.once("response", resolve);
      req.once("error", (e) => reject(mapConnectError(e, where, target)));
    });
    if (body) req.end(body);
    else req.end();
    return deadline(
      response,
      timeoutMs,
      signal,
      () => new JetwayError("OPERATION_FAILED", `cannot reach ${where}: no response within ${timeoutMs / 1000}s`),
      (err) => req.destroy(err),
    );
  }

  function guarded(res: http.IncomingMessage, target: URL, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const host = hostOf(target);
    return guardedBody(res, {
      idleMs: timeoutMs,
      signal,
      onIdle: () => new JetwayError("OPERATION_FAILED", `${host} sent nothing for ${timeoutMs / 1000}s; giving up on ${repoUrl(target)}`),
      teardown: (err) => res.destroy(err),
      mapError: (e) =>
        new JetwayError(
          "OPERATION_FAILED",
          `connection to ${host} closed before the response was complete (${errorCode(e)}) while reading ${repoUrl(target)}`,
          { cause: e },
        ),
    });
  }

  return {
    url: cleanBase,
    http: { request },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

function truncated(target: URL, bytes: number): JetwayError {
  return new JetwayError(
    "OPERATION_FAILED",
    `${hostOf(target)} ended the response early, after ${bytes} bytes, while reading ${repoUrl(target)}`,
  );
}

/** The repository URL a request belongs to: no credentials, no smart-HTTP suffix. */
function repoUrl(target: URL): string {
  const u = new URL(target.href);
  u.username = "";
  u.password = "";
  u.search = "";
  return u.href.replace(/\/(info\/refs|git-upload-pack|git-receive-pack)$/, "");
}

function safe(url: string): string {
  return repoUrl(new URL(url));
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return e instanceof Error ? e.message : String(e);
}

function mapConnectError(e: Error, where: string, target: URL): Error {
  if (e instanceof JetwayError) return e;
  const code = errorCode(e);
  if (NETWORK_CODES.has(code)) return new JetwayError("OPERATION_FAILED", `cannot reach ${where}: ${e.message}`, { cause: e });
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i.test(code)) {
    return new JetwayError(
      "OPERATION_FAILED",
      `TLS verification of ${hostOf(target)} failed: ${e.message} (skip_ssl_verification turns the check off)`,
      { cause: e },
    );
  }
  return new JetwayError("OPERATION_FAILED", `request to ${repoUrl(target)} failed: ${e.message}`, { cause: e });
}

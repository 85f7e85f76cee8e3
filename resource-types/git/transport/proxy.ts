/**
 * Proxy selection from the environment, as curl (and so git) does it, and a
 * CONNECT-tunnelling agent for https targets. Plain http targets go through
 * the proxy as absolute-form requests and need no agent of their own.
 */
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { JetwayError } from "../../../src/protocol/errors.ts";

type Env = Readonly<Record<string, string | undefined>>;

function pick(env: Env, name: string): string | undefined {
  // lower case first, as curl; curl ignores upper-case HTTP_PROXY (a CGI hazard that does not apply here)
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** The proxy for `target`, or undefined to connect directly. */
export function proxyFor(target: URL, env: Env): URL | undefined {
  if (bypassed(target, pick(env, "NO_PROXY"))) return undefined;
  const raw =
    (target.protocol === "https:" ? pick(env, "HTTPS_PROXY") : pick(env, "HTTP_PROXY")) ?? pick(env, "ALL_PROXY");
  if (raw === undefined || raw === "") return undefined;
  try {
    // a bare host:port means an http proxy, as in curl
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new JetwayError("UNSUPPORTED", `proxy scheme ${url.protocol} is not supported natively (http:// and https:// proxies are)`);
    }
    return url;
  } catch (e) {
    if (e instanceof JetwayError) throw e;
    throw new JetwayError("INVALID_CONFIG", "the proxy variable (HTTPS_PROXY/HTTP_PROXY/ALL_PROXY) is not a valid URL");
  }
}

function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    let entryPort: string | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !entry.includes("]") && (m[1] ?? "").split(":").length === 1) {
      entry = m[1] ?? "";
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, "").replace(/^\*?\./, "");
    if (entryPort !== undefined && entryPort !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** Basic Proxy-Authorization from the proxy URL's user info, if any. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === "" && proxy.password === "") return undefined;
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(creds).toString("base64")}`;
}

export function hostOf(url: URL): string {
  return url.port === "" ? url.hostname : `${url.hostname}:${url.port}`;
}

/** An https agent whose sockets are TLS sessions inside CONNECT tunnels through `proxy`. */
export class ConnectAgent extends https.Agent {
  private readonly proxy: URL;
  private readonly timeoutMs: number;

  constructor(proxy: URL, options: https.AgentOptions & { timeoutMs: number }) {
    super(options);
    this.proxy = proxy;
    this.timeoutMs = options.timeoutMs;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const cb = callback ?? (() => {});
    const host = String(options.host ?? options.hostname ?? "");
    const port = Number(options.port ?? 443);
    const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const headers: Record<string, string> = { host: authority };
    const auth = proxyAuthorization(this.proxy);
    if (auth) headers["proxy-authorization"] = auth;
    const lib = this.proxy.protocol === "https:" ? https : http;
    const req = lib.request({
      host: this.proxy.hostname,
      port: this.proxy.port || (this.proxy.protocol === "https:" ? 443 : 80),
      method: "CONNECT",
      path: authority,
      headers,
      agent: false,
      timeout: this.timeoutMs,
    });
    const proxyName = hostOf(this.proxy);
    req.once("timeout", () => req.destroy(new JetwayError("OPERATION_FAILED", `cannot reach proxy ${proxyName}: timed out`)));
    req.once("error", (err) =>
      cb(err instanceof JetwayError ? err : new JetwayError("OPERATION_FAILED", `cannot reach proxy ${proxyName}: ${err.message}`), undefined as never),
    );
    req.once("connect", (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        const what = res.statusCode === 407 ? "proxy authentication failed" : `CONNECT answered ${res.statusCode} ${res.statusMessage ?? ""}`.trim();
        cb(new JetwayError("OPERATION_FAILED", `proxy ${proxyName} refused the tunnel to ${authority}: ${what}`), undefined as never);
        return;
      }
      if (head.length > 0) socket.unshift(head);
      const secure = tls.connect({
        socket,
        servername: options.servername ?? (isIp(host) ? undefined : host),
        rejectUnauthorized: options.rejectUnauthorized !== false,
        ALPNProtocols: ["http/1.1"],
      } as tls.ConnectionOptions);
      cb(null, secure);
    });
    req.end();
    return undefined;
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}

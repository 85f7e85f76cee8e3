/**
 * Node's network failures in the words of Go's net and net/http packages,
 * which is what upstream prints inside its SDK error line:
 *
 *   connect ECONNREFUSED 127.0.0.1:1       -> dial tcp 127.0.0.1:1: connect: connection refused
 *   getaddrinfo ENOTFOUND host             -> dial tcp: lookup host on 10.0.0.2:53: no such host
 *   connect ETIMEDOUT 192.0.2.1:443        -> dial tcp 192.0.2.1:443: connect: connection timed out
 *   (the handler's connection timeout)     -> dial tcp 192.0.2.1:443: i/o timeout
 *   read ECONNRESET (before any answer)    -> net/http: Transport failed to read from server:
 *                                             read tcp 127.0.0.1:50123->127.0.0.1:7480: read: connection reset by peer
 *   socket hang up (before any answer)     -> net/http: Transport failed to read from server: EOF
 *   a certificate no trusted CA signed     -> tls: failed to verify certificate: x509: certificate signed by unknown authority
 *
 * Go's http.Client puts the request before it (`Get "URL": ...`); anything
 * not listed keeps Node's own words.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import { goStrconvQuote } from "../../src/compat/logrus.ts";

interface NodeNetError {
  message?: string;
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
  errors?: unknown[];
  [SOCKET]?: SocketAddresses;
}

/** The two ends of the connection a socket error happened on, as Go prints them. */
export interface SocketAddresses {
  local?: string;
  remote?: string;
}

const SOCKET = Symbol("jetway.socketAddresses");

/** net.JoinHostPort: IPv6 literals in brackets. */
export function goHostPort(host: string, port: number | string): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * The server Go's own resolver names in a lookup error: the first
 * `nameserver` of resolv.conf that is an IP address, with port 53, else Go's
 * default (127.0.0.1:53).
 */
export function goNameserver(resolvConf: string): string {
  for (const line of resolvConf.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && isIP(m[1]!.replace(/%.*$/, "")) !== 0) return goHostPort(m[1]!, 53);
  }
  return "127.0.0.1:53";
}

function systemNameserver(): string {
  try {
    return goNameserver(readFileSync("/etc/resolv.conf", "utf8"));
  } catch {
    return goNameserver("");
  }
}

/**
 * Remembers a socket's two addresses while it is connected, so an error the
 * socket raises later (a reset) can say which connection it was, as Go does.
 */
export function noteSocketAddresses(stream: Duplex | null | undefined, port: number): void {
  if (!stream || !("remoteAddress" in stream)) return;
  const socket = stream as Duplex & { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number };
  const seen: SocketAddresses = {};
  const read = () => {
    if (socket.localAddress && socket.localPort) seen.local = goHostPort(socket.localAddress, socket.localPort);
    if (socket.remoteAddress && socket.remotePort) seen.remote = goHostPort(socket.remoteAddress, socket.remotePort);
  };
  // the address being dialled, known before the connection is: a connect timeout names it
  socket.once("lookup", (error: Error | null, address: string) => {
    if (!error && address && port > 0) seen.remote = goHostPort(address, port);
  });
  socket.once("connect", read);
  socket.prependListener("error", (error: unknown) => {
    if (!seen.local) read();
    if (typeof error === "object" && error !== null && !(SOCKET in error)) (error as NodeNetError)[SOCKET] = { ...seen };
  });
}

/** OpenSSL's verify results that Go's x509 reports as an unknown authority */
const UNKNOWN_AUTHORITY = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
]);

function first(error: NodeNetError): NodeNetError {
  // happy eyeballs: every address failed; Go reports its first attempt
  const inner = error.errors?.find((e): e is NodeNetError => typeof e === "object" && e !== null);
  return inner && !error.syscall ? inner : error;
}

/**
 * Go's words for a failure before any answer, or undefined when Node's error
 * has no Go counterpart here. `target` is the request's host and port, used
 * where Node does not say which address it dialled.
 */
export function goNetError(error: unknown, target: { host: string; port: number }, nameserver: () => string = systemNameserver): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = first(error as NodeNetError);
  const dialled = e.address !== undefined && e.port !== undefined ? goHostPort(e.address, e.port) : goHostPort(target.host, target.port);
  const socket = e[SOCKET] ?? (error as NodeNetError)[SOCKET];
  if (e.code !== undefined && UNKNOWN_AUTHORITY.has(e.code)) return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  switch (e.code) {
    case "ECONNREFUSED":
      return `dial tcp ${dialled}: connect: connection refused`;
    case "ENOTFOUND":
      return `dial tcp: lookup ${e.hostname ?? target.host} on ${nameserver()}: no such host`;
    case "ETIMEDOUT":
      if (e.syscall === "connect") return `dial tcp ${dialled}: connect: connection timed out`;
      break;
    case "ECONNRESET": {
      const read = "net/http: Transport failed to read from server: ";
      if (e.syscall === "read") {
        const ends = socket?.local && socket.remote ? ` ${socket.local}->${socket.remote}` : "";
        return `${read}read tcp${ends}: read: connection reset by peer`;
      }
      if (e.message === "socket hang up") return `${read}EOF`;
      break;
    }
  }
  // @smithy/node-http-handler's own connect timeout (Go's dialer gives up after 30 s too)
  if (/^Socket timed out without establishing a connection/.test(e.message ?? "")) {
    return `dial tcp ${socket?.remote ?? dialled}: i/o timeout`;
  }
  return undefined;
}

/** url.Error: the method as Go names the operation, then the URL quoted. */
export function goUrlError(method: string, url: string, cause: string): string {
  const op = method.slice(0, 1).toUpperCase() + method.slice(1).toLowerCase();
  return `${op} ${goStrconvQuote(url)}: ${cause}`;
}

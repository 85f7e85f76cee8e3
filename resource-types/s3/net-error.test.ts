import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { goHostPort, goNameserver, goNetError, goUrlError, noteSocketAddresses } from "./net-error.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((ok) => s.close(ok))));
});

/** A local server that answers every request with `answer(socket)`; its port. */
async function serve(answer: (socket: Socket) => void): Promise<number> {
  const server = createServer((req) => answer(req.socket as Socket));
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return (server.address() as AddressInfo).port;
}

/** The error Node's http client raises for a GET, through an agent whose sockets note their addresses, as client.ts builds it. */
function failedGet(port: number): Promise<unknown> {
  const agent = new Agent();
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    noteSocketAddresses(socket, Number(options.port));
    return socket;
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent }, () => reject(new Error("answered")));
    req.on("error", (e) => {
      agent.destroy();
      resolve(e);
    });
    req.end();
  });
}

const target = (port: number) => ({ host: "127.0.0.1", port });

describe("Go's words for Node's network errors", () => {
  it("a refused connection", async () => {
    const e = await failedGet(1);
    expect(goNetError(e, target(1))).toBe("dial tcp 127.0.0.1:1: connect: connection refused");
  });

  it("a connection reset before any answer names both ends", async () => {
    const port = await serve((socket) => socket.resetAndDestroy());
    const e = await failedGet(port);
    expect(goNetError(e, target(port))).toMatch(new RegExp(`^net/http: Transport failed to read from server: read tcp 127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}: read: connection reset by peer$`));
  });

  it("a connection closed before any answer is Go's EOF", async () => {
    const port = await serve((socket) => socket.end());
    const e = await failedGet(port);
    expect(goNetError(e, target(port))).toBe("net/http: Transport failed to read from server: EOF");
  });

  // the next ones cannot be made here without sending traffic off this machine: Node's errors as Node documents them
  it("a name that does not resolve, with the resolver Go would have asked", () => {
    const e = Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.example"), { code: "ENOTFOUND", syscall: "getaddrinfo", hostname: "nowhere.example" });
    expect(goNetError(e, { host: "nowhere.example", port: 443 }, () => "10.0.0.2:53")).toBe("dial tcp: lookup nowhere.example on 10.0.0.2:53: no such host");
  });

  it("timeouts: the kernel's and the handler's", () => {
    const kernel = Object.assign(new Error("connect ETIMEDOUT 192.0.2.1:443"), { code: "ETIMEDOUT", syscall: "connect", address: "192.0.2.1", port: 443 });
    expect(goNetError(kernel, { host: "s3.example", port: 443 })).toBe("dial tcp 192.0.2.1:443: connect: connection timed out");
    const handler = Object.assign(new Error("Socket timed out without establishing a connection within 30000 ms"), { name: "TimeoutError" });
    expect(goNetError(handler, { host: "2001:db8::1", port: 443 })).toBe("dial tcp [2001:db8::1]:443: i/o timeout");
  });

  it("every address refused (happy eyeballs): Go reports the first", () => {
    const one = Object.assign(new Error("connect ECONNREFUSED ::1:1"), { code: "ECONNREFUSED", syscall: "connect", address: "::1", port: 1 });
    const two = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED", syscall: "connect", address: "127.0.0.1", port: 1 });
    const all = Object.assign(new AggregateError([one, two]), { code: "ECONNREFUSED" });
    expect(goNetError(all, { host: "localhost", port: 1 })).toBe("dial tcp [::1]:1: connect: connection refused");
  });

  it("an untrusted certificate is Go's unknown authority, whichever way OpenSSL found it", () => {
    for (const code of ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT"]) {
      expect(goNetError(Object.assign(new Error("certificate problem"), { code }), target(443))).toBe(
        "tls: failed to verify certificate: x509: certificate signed by unknown authority",
      );
    }
  });

  it("keeps Node's words for what it does not know", () => {
    expect(goNetError(Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" }), target(443))).toBeUndefined();
    expect(goNetError("not an error", target(443))).toBeUndefined();
  });

  it("names the request as url.Error does", () => {
    expect(goUrlError("GET", "http://127.0.0.1:1/b/?list-type=2", "dial tcp 127.0.0.1:1: connect: connection refused")).toBe(
      'Get "http://127.0.0.1:1/b/?list-type=2": dial tcp 127.0.0.1:1: connect: connection refused',
    );
    expect(goUrlError("HEAD", "https://h/k", "EOF")).toBe('Head "https://h/k": EOF');
  });

  it("reads the resolver from resolv.conf as Go does", () => {
    expect(goNameserver("# comment\nsearch example\nnameserver 10.1.2.3\nnameserver 10.1.2.4\n")).toBe("10.1.2.3:53");
    expect(goNameserver("nameserver fe80::1%eth0\n")).toBe("[fe80::1%eth0]:53");
    expect(goNameserver("nameserver dns.example\nnameserver 10.9.9.9\n")).toBe("10.9.9.9:53");
    expect(goNameserver("")).toBe("127.0.0.1:53");
    expect(goHostPort("::1", 80)).toBe("[::1]:80");
  });
});

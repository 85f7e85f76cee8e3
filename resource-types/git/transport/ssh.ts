/**
 * git over SSH (ssh2, no ssh binary) behind isomorphic-git's http plugin.
 *
 * Each smart-HTTP call becomes one exec channel on a single SSH connection
 * per Remote (opened lazily, reopened if the server drops it):
 * - GET info/refs: run `git-upload-pack '<path>'` (or receive-pack), read the
 *   advertisement up to its flush, answer the server with a flush ("I want
 *   nothing", so it exits cleanly) and hand the advertisement back behind the
 *   smart-HTTP `# service=` preamble.
 * - POST: a fresh exec of the same command; its advertisement is read and
 *   dropped, the request body is written and the rest of stdout is the
 *   response. isomorphic-git's requests (wants/haves/done in one go, or
 *   commands plus pack) are exactly what the stateful protocol expects, so the
 *   v1 protocol needs no translation.
 * Host keys are not checked, as upstream's `StrictHostKeyChecking no`.
 */
import ssh2 from "ssh2";
import type { Client, ClientChannel } from "ssh2";
import { JetwayError } from "../../../src/protocol/errors.ts";
import { deadline, guardedBody } from "./guard.ts";
import { checkFraming, responseIsFramed } from "./framing.ts";
import { bodyStream, collectBytes, FLUSH, PktReader } from "./pktline.ts";
import { loadPrivateKey, type SshKey } from "./ssh-key.ts";
import { decodeSmartCall, okResponse, once, servicePreamble, syntheticUrl } from "./synthetic.ts";
import { DEFAULT_TIMEOUT_MS, type GitHttpRequest, type GitHttpResponse, type GitService, type HttpClient } from "./types.ts";

export interface SshTarget {
  user?: string | undefined;
  host: string;
  port?: number | undefined;
  path: string;
}

export interface SshTransportOptions {
  private_key?: string | undefined;
  private_key_passphrase?: string | undefined;
  private_key_user?: string | undefined;
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  ssh_port?: number | undefined;
}

export interface SshTransport {
  url: string;
  http: HttpClient;
  /** SSH connections opened and commands run so far (diagnostics, tests) */
  stats: { connections: number; execs: number };
  close(): Promise<void>;
}

/** How long a listed-but-unused server process waits for its POST. */
const PARK_MS = 5_000;

/** A running `git-*-pack` on the server. */
interface Session {
  channel: ClientChannel;
  reader: PktReader;
  stderr(): string;
  closed: Promise<{ code: number | null; signal: string | null }>;
}

export function createSshTransport(target: SshTarget, options: SshTransportOptions): SshTransport {
  // ssh's own precedence: user@ in the URI beats a `User` line in ~/.ssh/config (private_key_user)
  const user = target.user ?? (options.private_key_user || undefined) ?? "git";
  const port = target.port ?? options.ssh_port ?? 22;
  const where = `${target.host}:${port}`;
  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
  // parse now: a bad key or passphrase should fail before any network traffic
  const key: SshKey | undefined =
    options.private_key !== undefined && options.private_key.trim() !== ""
      ? loadPrivateKey(options.private_key, options.private_key_passphrase)
      : undefined;
  let connection: Promise<Client> | undefined;
  const live = new Set<ClientChannel>();
  const stats = { connections: 0, execs: 0 };

  function connect(signal: AbortSignal | undefined): Promise<Client> {
    if (connection) return connection;
    stats.connections++;
    const client = new ssh2.Client();
    const attempt = new Promise<Client>((resolve, reject) => {
      let ready = false;
      client.once("ready", () => {
        ready = true;
        resolve(client);
      });
      client.on("error", (err: Error & { level?: string }) => {
        if (!ready) reject(mapConnectError(err, user, where, key !== undefined));
      });
      client.once("close", () => {
        if (!ready) reject(new JetwayError("OPERATION_FAILED", `cannot reach ${where}: connection closed during the SSH handshake`));
        if (connection === attempt) connection = undefined;
      });
      client.connect({
        host: target.host,
        port,
        username: user,
        ...(key ?? {}),
        hostVerifier: () => true,
        readyTimeout: timeoutMs,
        keepaliveInterval: Math.min(15_000, timeoutMs),
        keepaliveCountMax: 3,
        tryKeyboard: false,
      });
    });
    connection = attempt;
    attempt.catch(() => {
      if (connection === attempt) connection = undefined;
    });
    // readyTimeout bounds the handshake; the signal still needs honouring
    return deadline(
      attempt,
      timeoutMs + 1_000,
      signal,
      () => new JetwayError("OPERATION_FAILED", `cannot reach ${where}: SSH handshake timed out`),
      () => client.end(),
    );
  }

  async function exec(service: GitService, signal: AbortSignal | undefined): Promise<Session> {
    const client = await connect(signal);
    const command = `${service} ${shellQuote(target.path)}`;
    stats.execs++;
    const channel = await deadline(
      new Promise<ClientChannel>((resolve, reject) =>
        client.exec(command, (err, ch) =>
          err ? reject(new JetwayError("OPERATION_FAILED", `ssh ${where}: cannot start ${service}: ${err.message}`)) : resolve(ch),
        ),
      ),
      timeoutMs,
      signal,
      () => new JetwayError("OPERATION_FAILED", `ssh ${where}: no answer to exec within ${timeoutMs / 1000}s`),
      () => client.end(),
    );
    live.add(channel);
    let stderr = "";
    channel.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString("utf8");
    });
    let code: number | null = null;
    let sig: string | null = null;
    channel.on("exit", (c: number | null, s?: string) => {
      code = c;
      sig = s ?? null;
    });
    const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      channel.once("close", () => {
        live.delete(channel);
        resolve({ code, signal: sig });
      }),
    );
    const stdout = guardedBody(channel, {
      idleMs: timeoutMs,
      signal,
      onIdle: () => new JetwayError("OPERATION_FAILED", `${where} sent nothing for ${timeoutMs / 1000}s during ${service}`),
      teardown: () => channel.close(),
      mapError: (e) =>
        new JetwayError("OPERATION_FAILED", `ssh ${where}: ${service} stream failed: ${e instanceof Error ? e.message : String(e)}`),
    });
    return { channel, reader: new PktReader(stdout), stderr: () => stderr, closed };
  }

  /** Why the remote command failed, in one line, once it has exited. */
  async function failure(s: Session, service: GitService, cause: unknown): Promise<JetwayError> {
    // an abort, a timeout or a cut stream already says what happened, unless the server said more
    if (cause instanceof JetwayError && (cause.code === "ABORTED" || s.stderr().trim() === "")) return cause;
    // the exit status and the last stderr lines arrive just after stdout ends
    const exit = await Promise.race([s.closed, new Promise<undefined>((r) => setTimeout(r, 1_000, undefined))]);
    const detail = s.stderr().split(/\r?\n/).find((l) => l.trim() !== "")?.trim();
    const status = exit?.signal ? `killed by ${exit.signal}` : exit?.code != null ? `exit ${exit.code}` : undefined;
    const why = detail ?? (cause instanceof Error ? cause.message : status ?? "no output");
    return new JetwayError("OPERATION_FAILED", `${service} '${target.path}' on ${where} failed: ${why}`, { cause });
  }

  function truncatedError(s: Session, service: GitService, bytes: number): JetwayError {
    const why = s.stderr().split(/\r?\n/).find((l) => l.trim() !== "")?.trim();
    return new JetwayError(
      "OPERATION_FAILED",
      `${where} ended the ${service} response early, after ${bytes} bytes${why ? `: ${why}` : ""}`,
    );
  }

  /** Reads the advertisement, turning an `ERR` packet or an early exit into a typed error. */
  async function advertisement(s: Session, service: GitService): Promise<Buffer> {
    let raw: Buffer;
    let lines: Buffer[];
    try {
      ({ raw, lines } = await s.reader.readThroughFlush());
    } catch (e) {
      s.channel.close();
      throw await failure(s, service, e);
    }
    const first = lines[0]?.toString("utf8") ?? "";
    if (first.startsWith("ERR ")) {
      s.channel.close();
      throw new JetwayError("OPERATION_FAILED", `${service} '${target.path}' on ${where} refused: ${first.slice(4).trim()}`);
    }
    return raw;
  }

  /**
   * After a ref listing the server process is kept waiting for a while: the
   * POST that usually follows (fetch and push both list first) then goes to
   * it, saving a process start and a round trip, and sees the very refs that
   * were listed. Unclaimed, it is told "nothing to do" and exits.
   */
  const parked = new Map<GitService, { session: Session; timer: NodeJS.Timeout; closed: boolean }>();

  function park(service: GitService, session: Session): void {
    release(service);
    const entry = { session, timer: setTimeout(() => release(service), PARK_MS), closed: false };
    entry.timer.unref();
    session.channel.once("close", () => (entry.closed = true));
    parked.set(service, entry);
  }

  function claim(service: GitService): Session | undefined {
    const entry = parked.get(service);
    if (!entry) return undefined;
    parked.delete(service);
    clearTimeout(entry.timer);
    return entry.closed ? undefined : entry.session;
  }

  function release(service: GitService): void {
    const s = claim(service);
    if (!s) return;
    // a flush tells upload-pack/receive-pack there is nothing to do, so it exits 0
    s.channel.end(FLUSH);
    void drain(s);
  }

  async function request(req: GitHttpRequest): Promise<GitHttpResponse> {
    const { service, phase } = decodeSmartCall(req.url, req.method);
    const signal = req.signal ?? options.signal;
    if (phase === "advertise") {
      const s = await exec(service, signal);
      const ad = await advertisement(s, service);
      park(service, s);
      return okResponse(req.url, "GET", `application/x-${service}-advertisement`, once(servicePreamble(service), ad));
    }
    let s = claim(service);
    if (!s) {
      s = await exec(service, signal);
      await advertisement(s, service);
    }
    return post(req, service, s, signal);
  }

  async function post(req: GitHttpRequest, service: GitService, s: Session, signal: AbortSignal | undefined): Promise<GitHttpResponse> {
    const payload = await collectBytes(bodyStream(req.body));
    let writeError: unknown;
    const writing = writeAll(s.channel, payload).catch((e: unknown) => {
      writeError = e;
    });
    const body = async function* (): AsyncGenerator<Uint8Array> {
      try {
        yield* s.reader.rest();
      } catch (e) {
        throw await failure(s, service, e);
      }
      await writing;
      if (writeError !== undefined) throw await failure(s, service, writeError);
      const exit = await deadline(
        s.closed,
        timeoutMs,
        signal,
        () => new JetwayError("OPERATION_FAILED", `${service} on ${where} did not exit`),
        () => s.channel.close(),
      );
      if (exit.code !== 0 && !(exit.code === null && exit.signal === null)) {
        throw await failure(s, service, new Error(exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`));
      }
    };
    const response = responseIsFramed(service, payload)
      ? checkFraming(body(), (n) => truncatedError(s, service, n))
      : body();
    return okResponse(req.url, "POST", `application/x-${service}-result`, response);
  }

  return {
    url: syntheticUrl("ssh", `${user}@${where}:${target.path}`),
    http: { request },
    stats,
    async close() {
      for (const service of [...parked.keys()]) release(service);
      for (const ch of live) ch.close();
      const pending = connection;
      connection = undefined;
      if (pending) {
        const client = await pending.catch(() => undefined);
        client?.end();
      }
    },
  };
}

async function drain(s: Session): Promise<void> {
  try {
    for await (const _ of s.reader.rest());
  } catch {
    // the advertisement was all we needed
  }
}

async function writeAll(channel: ClientChannel, payload: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onClose = (): void => reject(new Error("channel closed while sending the request"));
    channel.once("close", onClose);
    channel.end(payload, () => {
      channel.off("close", onClose);
      resolve();
    });
  });
}

/** git's sq_quote_buf: single quotes, with ' and ! escaped outside them. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''").replace(/!/g, "'\\!'")}'`;
}

function mapConnectError(err: Error & { level?: string; code?: string }, user: string, where: string, haveKey: boolean): JetwayError {
  if (err.level === "client-authentication") {
    const hint = haveKey ? "the server refused private_key" : "no private_key given";
    return new JetwayError("OPERATION_FAILED", `ssh ${user}@${where}: authentication failed (${hint})`, { cause: err });
  }
  if (err.level === "client-timeout") return new JetwayError("OPERATION_FAILED", `cannot reach ${where}: SSH handshake timed out`, { cause: err });
  return new JetwayError("OPERATION_FAILED", `cannot reach ${where}: ${err.message}`, { cause: err });
}

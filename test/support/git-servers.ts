/**
 * Real git servers for the git resource's tests, plus fixture repositories.
 * The git CLI is used here freely (test machines have it); only the resource
 * itself must work without it.
 *
 * - startGitHttpServer: `git http-backend` (git's CGI) behind node:http(s) on
 *   127.0.0.1, with optional Basic auth, redirects and fault injection. It runs
 *   in a child process, so a synchronous git CLI call against it is safe.
 * - startProxy: an HTTP forward proxy that also tunnels CONNECT. It runs in
 *   process: drive it with isomorphic-git or asynchronous child processes only.
 * - startSshServer: OpenSSH's sshd on a loopback port with key-only logins,
 *   run as an unprivileged user (as root, the GIT_SSH_TEST_USER account).
 * - makeFixtureRepo / makeGeneratedRepo: repositories built to a spec.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, lstatSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceProbe } from "./services.ts";

// ---------------------------------------------------------------- git CLI

let globalConfig: string | undefined;

/**
 * A global config of our own: safe.directory=* (as root, repositories handed
 * to the sshd user would be "dubious"; `-c` does not reach the upload-pack a
 * local fetch spawns), a default identity, and nothing from the machine's or
 * user's config.
 */
function testGlobalConfig(): string {
  if (globalConfig === undefined) {
    globalConfig = join(tempDir("gitconfig"), "config");
    writeFileSync(
      globalConfig,
      "[safe]\n\tdirectory = *\n[init]\n\tdefaultBranch = main\n[user]\n\tname = Jetway Test\n\temail = test@jetway.invalid\n",
    );
  }
  return globalConfig;
}

/** A git environment that ignores the machine's and user's config. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: testGlobalConfig(),
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    ...extra,
  };
}

export function gitCli(cwd: string, args: string[], env: Record<string, string> = {}, input?: string | Buffer): string {
  const r = spawnSync("git", args, { cwd, env: gitEnv(env), input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`git ${args.join(" ")} failed (${r.status}): ${r.stderr.toString().trim()}`);
  }
  return r.stdout.toString();
}

const madeDirs: string[] = [];

/**
 * A fresh directory under $TMPDIR, removed by removeTempDirs() or when this
 * process exits normally (test workers are often killed instead: suites call
 * removeTempDirs in afterAll). JETWAY_KEEP_TMP=1 keeps them for debugging.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `jetway-${prefix}-`));
  if (madeDirs.length === 0) process.once("exit", removeTempDirs);
  madeDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  if (process.env.JETWAY_KEEP_TMP === "1") return;
  for (const d of madeDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  globalConfig = undefined;
}

export const gitCliService: ServiceProbe = {
  name: "git CLI with http-backend",
  async probe() {
    const r = spawnSync("git", ["--exec-path"], { env: gitEnv() });
    if (r.status !== 0) return "git is not installed (run .ci/services/git.sh)";
    const execPath = r.stdout.toString().trim();
    return existsSync(join(execPath, "git-http-backend")) ? true : `no git-http-backend in ${execPath}`;
  },
};

// ---------------------------------------------------------------- fixtures

export interface Person {
  name: string;
  email: string;
}

export type FixtureStep =
  | {
      commit: string;
      /** path -> content; null deletes the file */
      files?: Record<string, string | null>;
      author?: Person;
      committer?: Person;
      /** ISO date or seconds since the epoch; default: one minute after the previous step */
      date?: string | number;
      committerDate?: string | number;
    }
  | { branch: string; from?: string }
  | { checkout: string }
  | { merge: string; message?: string; date?: string | number }
  | { tag: string; at?: string; message?: string; date?: string | number };

export interface FixtureSpec {
  /** where to build (created); default a new temp dir */
  dir?: string;
  /** initial branch, default main */
  branch?: string;
  steps: FixtureStep[];
  /** also make a bare clone (for pushing to), at `${dir}.git` */
  bare?: boolean;
}

export interface FixtureRepo {
  /** the work tree */
  dir: string;
  /** the bare clone, when requested */
  bare?: string;
  /** oid of a rev in the work tree repo */
  rev(rev: string): string;
  git(...args: string[]): string;
}

export const DEFAULT_PERSON: Person = { name: "Jetway Test", email: "test@jetway.invalid" };
const BASE_TIME = Date.UTC(2024, 0, 1) / 1000;

function gitDate(d: string | number): string {
  const secs = typeof d === "number" ? d : Math.floor(new Date(d).getTime() / 1000);
  return `@${secs} +0000`;
}

export function makeFixtureRepo(spec: FixtureSpec): FixtureRepo {
  const dir = spec.dir ?? join(tempDir("fixture"), "repo");
  mkdirSync(dir, { recursive: true });
  const run = (args: string[], env: Record<string, string> = {}): string => gitCli(dir, args, env);
  run(["init", "-q", "-b", spec.branch ?? "main"]);
  let clock = BASE_TIME;
  const tick = (d: string | number | undefined): string => {
    clock += 60;
    return gitDate(d ?? clock);
  };
  const identity = (who: Person, role: "AUTHOR" | "COMMITTER", date: string): Record<string, string> => ({
    [`GIT_${role}_NAME`]: who.name,
    [`GIT_${role}_EMAIL`]: who.email,
    [`GIT_${role}_DATE`]: date,
  });
  for (const step of spec.steps) {
    if ("commit" in step) {
      for (const [path, content] of Object.entries(step.files ?? {})) {
        const full = join(dir, path);
        if (content === null) run(["rm", "-q", "--", path]);
        else {
          mkdirSync(join(full, ".."), { recursive: true });
          writeFileSync(full, content);
          run(["add", "--", path]);
        }
      }
      const date = tick(step.date);
      const cdate = step.committerDate !== undefined ? gitDate(step.committerDate) : date;
      run(["commit", "-q", "--allow-empty", "-m", step.commit], {
        ...identity(step.author ?? DEFAULT_PERSON, "AUTHOR", date),
        ...identity(step.committer ?? step.author ?? DEFAULT_PERSON, "COMMITTER", cdate),
      });
    } else if ("branch" in step) {
      run(["checkout", "-q", "-b", step.branch, ...(step.from ? [step.from] : [])]);
    } else if ("checkout" in step) {
      run(["checkout", "-q", step.checkout]);
    } else if ("merge" in step) {
      const date = tick(step.date);
      run(["merge", "-q", "--no-ff", "-m", step.message ?? `Merge ${step.merge}`, step.merge], {
        ...identity(DEFAULT_PERSON, "AUTHOR", date),
        ...identity(DEFAULT_PERSON, "COMMITTER", date),
      });
    } else {
      const date = tick(step.date);
      const args = step.message !== undefined ? ["tag", "-a", step.tag, "-m", step.message] : ["tag", step.tag];
      if (step.at) args.push(step.at);
      run(args, identity(DEFAULT_PERSON, "COMMITTER", date));
    }
  }
  let bare: string | undefined;
  if (spec.bare) {
    bare = `${dir}.git`;
    gitCli(join(dir, ".."), ["clone", "-q", "--bare", "--no-local", dir, bare]);
  }
  return {
    dir,
    ...(bare !== undefined ? { bare } : {}),
    rev: (rev) => run(["rev-parse", rev]).trim(),
    git: (...args) => run(args),
  };
}

/**
 * A linear history of `commits` commits touching `files` files spread over
 * directories, built with fast-import and repacked like a served repository.
 */
export function makeGeneratedRepo(opts: {
  dir?: string;
  commits: number;
  files?: number;
  bare?: boolean;
  /** spread this many bytes of incompressible binary files (1 MiB each) over the history: a pack as large as a real repository's */
  binaryBytes?: number;
}): string {
  const dir = opts.dir ?? join(tempDir("generated"), opts.bare === false ? "repo" : "repo.git");
  mkdirSync(dir, { recursive: true });
  gitCli(dir, opts.bare === false ? ["init", "-q", "-b", "main"] : ["init", "-q", "--bare", "-b", "main"]);
  const files = opts.files ?? 200;
  const binaries = Math.ceil((opts.binaryBytes ?? 0) / BINARY_FILE_BYTES);
  const binaryEvery = binaries > 0 ? Math.max(1, Math.floor(opts.commits / binaries)) : 0;
  const parts: (string | Buffer)[] = [];
  for (let i = 1; i <= opts.commits; i++) {
    const path = `src/dir${i % 17}/file${i % files}.txt`;
    // part prose, part hex noise: packs to deltas and zlib about as much as source code does
    const noise = createHash("sha256").update(String(i)).digest("hex").repeat(8 + (i % 8));
    const body = `revision ${i}\n${"lorem ipsum dolor sit amet ".repeat(20 + (i % 40))}\n${noise}\n`;
    const msg = `commit ${i}\n\nGenerated change number ${i}.\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i}\n`,
      `author ${DEFAULT_PERSON.name} <${DEFAULT_PERSON.email}> ${BASE_TIME + i * 60} +0000\n`,
      `committer ${DEFAULT_PERSON.name} <${DEFAULT_PERSON.email}> ${BASE_TIME + i * 60} +0000\n`,
      `data ${Buffer.byteLength(msg)}\n${msg}`,
      i > 1 ? `from :${i - 1}\n` : "",
      `M 100644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`,
    );
    const binary = binaryEvery > 0 ? i / binaryEvery : 0;
    if (Number.isInteger(binary) && binary >= 1 && binary <= binaries) {
      parts.push(`M 100644 inline assets/blob${binary}.bin\ndata ${BINARY_FILE_BYTES}\n`, randomBytes(BINARY_FILE_BYTES), "\n");
    }
  }
  const gitdir = opts.bare === false ? join(dir, ".git") : dir;
  gitCli(dir, [`--git-dir=${gitdir}`, "fast-import", "--quiet"], {}, Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p))));
  gitCli(dir, [`--git-dir=${gitdir}`, "repack", "-a", "-d", "-q"]);
  if (opts.bare === false) gitCli(dir, ["checkout", "-q", "-f", "main"]);
  return dir;
}

const BINARY_FILE_BYTES = 1 << 20;

// ---------------------------------------------------------------- smart HTTP

export interface GitHttpServerOptions {
  /** GIT_PROJECT_ROOT: repositories are served at /<path under root> */
  root: string;
  auth?: { username: string; password: string };
  /** cut a POST git-upload-pack response after this many body bytes */
  fault?: { afterBytes: number; mode: "drop" | "stall" };
  /** serve https with a fresh self-signed certificate for 127.0.0.1 */
  tls?: boolean;
  /** answer requests under `from` with a redirect to the same path under `to` */
  redirect?: { from: string; to: string };
}

export interface GitHttpServer {
  /** e.g. http://127.0.0.1:34567 (append /<repo path>) */
  url: string;
  port: number;
  /** "METHOD /path?query" of every request so far, in order (a fresh copy on each read) */
  readonly requests: string[];
  close(): Promise<void>;
}

const CHILD_FLAG = "--jetway-git-http-server";

/**
 * Starts the server in a child process: tests call the git CLI synchronously
 * (spawnSync) against it, which would deadlock a server on their own event loop.
 * The request log is a file the child appends to before answering, so it is
 * complete whenever a response has been seen.
 */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const logFile = join(tempDir("git-http-log"), "requests.log");
  writeFileSync(logFile, "");
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG, JSON.stringify({ options, logFile })], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error("git http server failed to start"))));
    child.once("exit", (code) => reject(new Error(`git http server exited (${code}) before listening`)));
  });
  // the open IPC channel is the child's lifeline (it exits when it closes), but must not hold this process up
  child.unref();
  child.channel?.unref();
  const reap = (): void => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", reap);
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    get requests(): string[] {
      return readFileSync(logFile, "utf8").split("\n").filter((l) => l !== "");
    },
    close: async () => {
      process.off("exit", reap);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.ref();
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

async function serveGitHttp(options: GitHttpServerOptions, logFile: string): Promise<number> {
  const sockets = new Set<net.Socket>();
  const children = new Set<ChildProcess>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://x");
    appendFileSync(logFile, `${req.method} ${url.pathname}${url.search}\n`);
    if (options.redirect && url.pathname.startsWith(options.redirect.from)) {
      const to = options.redirect.to + url.pathname.slice(options.redirect.from.length) + url.search;
      res.writeHead(req.method === "GET" ? 301 : 307, { location: to }).end();
      req.resume();
      return;
    }
    let remoteUser: string | undefined;
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        req.resume();
        res.writeHead(401, { "www-authenticate": 'Basic realm="git"', "content-type": "text/plain" }).end("Unauthorized\n");
        return;
      }
      remoteUser = options.auth.username;
    }
    const env: Record<string, string> = {
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      REQUEST_METHOD: req.method ?? "GET",
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_ADDR: "127.0.0.1",
      // http-backend only allows pushes by an authenticated user unless told otherwise
      ...(remoteUser !== undefined
        ? { REMOTE_USER: remoteUser }
        : { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.receivepack", GIT_CONFIG_VALUE_0: "true" }),
    };
    if (req.headers["content-length"]) env.CONTENT_LENGTH = req.headers["content-length"];
    const protocol = req.headers["git-protocol"];
    if (typeof protocol === "string") env.GIT_PROTOCOL = protocol;
    if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = String(req.headers["content-encoding"]);
    const child = spawn("git", ["http-backend"], { env: gitEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    child.once("close", () => children.delete(child));
    child.stderr.resume();
    req.pipe(child.stdin);
    child.stdin.on("error", () => {});
    const faulty = options.fault !== undefined && req.method === "POST" && url.pathname.endsWith("/git-upload-pack");
    let head = Buffer.alloc(0);
    let headerDone = false;
    let sent = 0;
    let cut = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (cut) return;
      if (!headerDone) {
        head = Buffer.concat([head, chunk]);
        const text = head.toString("latin1");
        const m = /\r?\n\r?\n/.exec(text);
        if (!m) return;
        headerDone = true;
        const headers: Record<string, string> = {};
        let status = 200;
        for (const line of text.slice(0, m.index).split(/\r?\n/)) {
          const i = line.indexOf(":");
          if (i === -1) continue;
          const k = line.slice(0, i).trim().toLowerCase();
          const v = line.slice(i + 1).trim();
          if (k === "status") status = parseInt(v, 10);
          else headers[k] = v;
        }
        res.writeHead(status, headers);
        chunk = head.subarray(m.index + m[0].length);
      }
      if (faulty && options.fault && sent + chunk.length > options.fault.afterBytes) {
        res.write(chunk.subarray(0, options.fault.afterBytes - sent));
        cut = true;
        child.kill("SIGKILL");
        if (options.fault.mode === "drop") res.socket?.destroy();
        return;
      }
      sent += chunk.length;
      res.write(chunk);
    });
    child.stdout.once("end", () => {
      if (!cut) res.end();
    });
  };
  let server: http.Server;
  if (options.tls) {
    const { key, cert } = selfSignedCert();
    server = https.createServer({ key, cert }, handler);
  } else {
    server = http.createServer(handler);
  }
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  const port = await listen(server);
  process.once("SIGTERM", () => {
    for (const c of children) c.kill("SIGKILL");
    for (const s of sockets) s.destroy();
    server.close(() => process.exit(0));
  });
  return port;
}

function selfSignedCert(): { key: string; cert: string } {
  const dir = tempDir("tls");
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

// ---------------------------------------------------------------- proxy

export interface TestProxy {
  url: string;
  /** "host:port" of each CONNECT, and the absolute URL of each forwarded request */
  connects: string[];
  forwarded: string[];
  close(): Promise<void>;
}

export async function startProxy(options: { auth?: { username: string; password: string } } = {}): Promise<TestProxy> {
  const connects: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<net.Socket>();
  const expected = options.auth
    ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64")}`
    : undefined;
  const server = http.createServer((req, res) => {
    if (expected && req.headers["proxy-authorization"] !== expected) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="proxy"' }).end();
      return;
    }
    forwarded.push(req.url ?? "");
    const target = new URL(req.url ?? "");
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (expected && req.headers["proxy-authorization"] !== expected) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
      return;
    }
    connects.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host ?? "", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- sshd

const SSHD = "/usr/sbin/sshd";
const SSH_TEST_USER = process.env.GIT_SSH_TEST_USER ?? "jetway-git";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

export interface SshKeys {
  /** unencrypted ed25519, OpenSSH format */
  plain: string;
  /** unencrypted RSA, PEM format */
  rsaPem: string;
  /** ed25519, OpenSSH format, encrypted with `passphrase` */
  encrypted: string;
  /** RSA, PEM format, encrypted with `passphrase` */
  encryptedPem: string;
  passphrase: string;
  /** a valid key the server does not know */
  wrong: string;
  /** logs in, but the server cuts every git response after `truncateAfter` bytes and exits 0 */
  truncating: string;
  /** logs in, but the server stops sending after `truncateAfter` bytes and keeps the session open */
  stalling: string;
}

export interface SshServer {
  host: string;
  port: number;
  user: string;
  keys: SshKeys;
  truncateAfter: number;
  /** a directory the login user can read and write: put repositories here, then adopt() them */
  root: string;
  /** hands a path (recursively) to the login user, so it can push there */
  adopt(path: string): void;
  close(): Promise<void>;
}

interface SshUser {
  name: string;
  uid: number;
  gid: number;
}

function sshUser(): SshUser | string {
  if (!isRoot) {
    const me = userInfo();
    return { name: me.username, uid: me.uid, gid: me.gid };
  }
  const lookup = (): SshUser | undefined => {
    const r = spawnSync("id", ["-u", SSH_TEST_USER]);
    if (r.status !== 0) return undefined;
    const gid = Number(spawnSync("id", ["-g", SSH_TEST_USER]).stdout.toString().trim());
    return { name: SSH_TEST_USER, uid: Number(r.stdout.toString().trim()), gid };
  };
  let user = lookup();
  if (!user) {
    const r = spawnSync("useradd", ["--create-home", "--shell", "/bin/sh", SSH_TEST_USER]);
    if (r.status !== 0) return `user ${SSH_TEST_USER} missing and useradd failed (run .ci/services/git.sh)`;
    user = lookup();
  }
  // sshd refuses accounts whose password field marks them locked
  const shadow = readFileSync("/etc/shadow", "utf8").split("\n").find((l) => l.startsWith(`${SSH_TEST_USER}:`));
  if (shadow?.split(":")[1] !== "*") spawnSync("usermod", ["-p", "*", SSH_TEST_USER]);
  return user ?? `cannot look up ${SSH_TEST_USER}`;
}

export const sshdService: ServiceProbe = {
  name: "sshd (openssh-server)",
  async probe() {
    if (!existsSync(SSHD)) return `${SSHD} not installed (run .ci/services/git.sh)`;
    if (spawnSync("ssh-keygen", ["-?"]).error) return "ssh-keygen not installed";
    const user = sshUser();
    return typeof user === "string" ? user : true;
  },
};

function keygen(dir: string, name: string, args: string[]): string {
  execFileSync("ssh-keygen", ["-q", "-f", join(dir, name), "-C", `jetway-test-${name}`, ...args], { stdio: "ignore" });
  return readFileSync(join(dir, name), "utf8");
}

export async function startSshServer(): Promise<SshServer> {
  const user = sshUser();
  if (typeof user === "string") throw new Error(user);
  const dir = tempDir("sshd");
  const root = join(dir, "repos");
  mkdirSync(root);
  const passphrase = "correct horse battery staple";
  const keys: SshKeys = {
    plain: keygen(dir, "plain", ["-t", "ed25519", "-N", ""]),
    rsaPem: keygen(dir, "rsa_pem", ["-t", "rsa", "-b", "2048", "-m", "PEM", "-N", ""]),
    encrypted: keygen(dir, "encrypted", ["-t", "ed25519", "-N", passphrase]),
    encryptedPem: keygen(dir, "encrypted_pem", ["-t", "rsa", "-b", "2048", "-m", "PEM", "-N", passphrase]),
    passphrase,
    wrong: keygen(dir, "wrong", ["-t", "ed25519", "-N", ""]),
    truncating: keygen(dir, "truncating", ["-t", "ed25519", "-N", ""]),
    stalling: keygen(dir, "stalling", ["-t", "ed25519", "-N", ""]),
  };
  keygen(dir, "host_key", ["-t", "ed25519", "-N", ""]);
  const truncateAfter = 4096;
  // forced commands run the requested git command but cut its output short
  // (dd with 1-byte blocks passes bytes on at once; head -c would hold them back)
  const cut = `dd bs=1 count=${truncateAfter} status=none`;
  writeFileSync(join(dir, "truncate.sh"), `#!/bin/sh\neval "$SSH_ORIGINAL_COMMAND" | ${cut}\n`);
  writeFileSync(join(dir, "stall.sh"), `#!/bin/sh\neval "$SSH_ORIGINAL_COMMAND" | ${cut}\nexec sleep 20\n`);
  chmodSync(join(dir, "truncate.sh"), 0o755);
  chmodSync(join(dir, "stall.sh"), 0o755);
  const pub = (name: string): string => readFileSync(join(dir, `${name}.pub`), "utf8").trim();
  writeFileSync(
    join(dir, "authorized_keys"),
    [
      pub("plain"),
      pub("rsa_pem"),
      pub("encrypted"),
      pub("encrypted_pem"),
      `command="${join(dir, "truncate.sh")}",no-pty ${pub("truncating")}`,
      `command="${join(dir, "stall.sh")}",no-pty ${pub("stalling")}`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  writeFileSync(
    join(dir, "sshd_config"),
    [
      "ListenAddress 127.0.0.1",
      `Port ${port}`,
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "PermitUserEnvironment no",
      "MaxStartups 50",
      "MaxSessions 50",
      "",
    ].join("\n"),
  );
  const adopt = (path: string): void => {
    if (!isRoot) return;
    chownTree(path, user.uid, user.gid);
  };
  adopt(dir);
  const child = spawn(SSHD, ["-D", "-e", "-f", join(dir, "sshd_config")], {
    stdio: ["ignore", "ignore", "pipe"],
    ...(isRoot ? { uid: user.uid, gid: user.gid } : {}),
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  // sshd outlives a test process that dies without calling close(); take it along
  const reap = (): void => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.once("exit", reap);
  await waitForPort(port, 5_000, () => (child.exitCode !== null ? `sshd exited: ${log.trim()}` : undefined));
  return {
    host: "127.0.0.1",
    port,
    user: user.name,
    keys,
    truncateAfter,
    root,
    adopt,
    close: async () => {
      process.off("exit", reap);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number, failed: () => string | undefined): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not listen on ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------------------------------------------------------------- child entry

if (process.argv[2] === CHILD_FLAG && process.argv[1] === fileURLToPath(import.meta.url)) {
  const { options, logFile } = JSON.parse(process.argv[3] ?? "{}") as { options: GitHttpServerOptions; logFile: string };
  // the parent going away, even killed, closes the IPC channel
  process.once("disconnect", () => process.exit(0));
  serveGitHttp(options, logFile).then(
    (port) => process.send?.({ port }),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

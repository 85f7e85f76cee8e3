/**
 * Classifies a git remote the way git's own URL parsing does (urlmatch and
 * connect.c): a scheme URL, else scp-style `[user@]host:path` when a colon
 * comes before any slash, else a local path.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { JetwayError } from "../../../src/protocol/errors.ts";

export type ParsedRemote =
  | { kind: "http"; url: URL }
  | { kind: "ssh"; user?: string; host: string; port?: number; path: string }
  | { kind: "local"; path: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
// host may be a bracketed IPv6 literal; the user part may hold anything but '@'
const SCP = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^/:[\]]+):(.*)$/s;

export function parseRemote(uri: string, cwd: string = process.cwd()): ParsedRemote {
  if (uri.trim() === "") throw new JetwayError("INVALID_CONFIG", "source.uri is required and must not be empty");
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== undefined) return parseSchemeUrl(uri, scheme);
  const scp = SCP.exec(uri);
  // git treats "c:/x" style as a path only on Windows; here any host:path with no slash first is SSH
  if (scp && scp[2] !== undefined && scp[3] !== undefined) {
    const host = unbracket(scp[2]);
    return { kind: "ssh", ...(scp[1] !== undefined ? { user: scp[1] } : {}), host, path: scp[3] };
  }
  return { kind: "local", path: resolve(cwd, uri) };
}

function parseSchemeUrl(uri: string, scheme: string): ParsedRemote {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new JetwayError("INVALID_CONFIG", `invalid git URI: ${redactUri(uri)}`);
  }
  switch (scheme) {
    case "http":
    case "https":
      return { kind: "http", url };
    case "ssh":
    case "git+ssh":
    case "ssh+git": {
      if (url.hostname === "") throw new JetwayError("INVALID_CONFIG", `invalid git URI: ${redactUri(uri)}`);
      let path = decodeURIComponent(url.pathname);
      // ssh://host/~user/repo means a path relative to a home directory, as git sends it
      if (path.startsWith("/~")) path = path.slice(1);
      const user = url.username === "" ? undefined : decodeURIComponent(url.username);
      const port = url.port === "" ? undefined : Number(url.port);
      return {
        kind: "ssh",
        ...(user !== undefined ? { user } : {}),
        host: unbracket(url.hostname),
        ...(port !== undefined ? { port } : {}),
        path,
      };
    }
    case "file": {
      if (url.hostname !== "" && url.hostname !== "localhost") {
        throw new JetwayError("INVALID_CONFIG", `file:// URIs must name a local path, not host ${url.hostname}`);
      }
      return { kind: "local", path: fileURLToPath(new URL(`file://${url.pathname}`)) };
    }
    default:
      throw new JetwayError(
        "UNSUPPORTED",
        `the ${scheme}:// protocol is not supported natively; use http(s)://, ssh://, user@host:path or a local path, or the upstream concourse/git-resource image`,
      );
  }
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** The URI with any user:password@ removed, safe for messages and config files. */
export function redactUri(uri: string): string {
  const m = SCHEME.exec(uri);
  if (!m) return uri;
  const rest = uri.slice(m[0].length);
  const slash = rest.indexOf("/");
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf("@");
  if (at === -1) return uri;
  const userinfo = authority.slice(0, at);
  // an ssh user name is not a secret; a password (or an http user, often a token) is
  const keep = /^(ssh|git\+ssh|ssh\+git)$/i.test(m[1] ?? "") && !userinfo.includes(":") ? `${userinfo}@` : "";
  return m[0] + keep + authority.slice(at + 1) + (slash === -1 ? "" : rest.slice(slash));
}

/**
 * Where a submodule is fetched from, and with which credentials.
 *
 * A `./` or `../` URL in .gitmodules is relative to the superproject's remote
 * URL; `resolveSubmoduleUrl` follows git's own rules (`relative_url` in
 * git's submodule helper), quirks included: `../` strips one `/` component,
 * or failing that an scp-style `host:` part, and the result is joined with
 * `:` when a colon was stripped.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import type { GitSource } from "./schema.ts";
import type { RemoteOptions } from "./transport/index.ts";
import { parseRemote } from "./transport/index.ts";

export function isRelativeUrl(url: string): boolean {
  return url.startsWith("./") || url.startsWith("../");
}

/** git's url_is_local_not_ssh: no colon, or a slash before the first colon. */
function isLocalNotSsh(url: string): boolean {
  const colon = url.indexOf(":");
  const slash = url.indexOf("/");
  return colon === -1 || (slash !== -1 && slash < colon);
}

/** `relative_url(remote, url, NULL)`: `url` must start with ./ or ../ */
export function resolveSubmoduleUrl(remoteUrl: string, url: string): string {
  let remote = remoteUrl.endsWith("/") ? remoteUrl.slice(0, -1) : remoteUrl;
  let relative = false;
  if (isLocalNotSsh(remote) && !remote.startsWith("/")) {
    relative = true;
    if (!remote.startsWith("./") && !remote.startsWith("../")) remote = `./${remote}`;
  }
  let rest = url;
  let colonSeparated = false;
  for (;;) {
    if (rest.startsWith("../")) {
      rest = rest.slice(3);
      const slash = remote.lastIndexOf("/");
      if (slash !== -1) {
        remote = remote.slice(0, slash);
        continue;
      }
      const colon = remote.lastIndexOf(":");
      if (colon !== -1) {
        remote = remote.slice(0, colon);
        colonSeparated = true;
        continue;
      }
      if (relative || remote === ".") {
        throw new JetwayError("OPERATION_FAILED", `fatal: cannot strip one component off url '${remote}'`, { exitCode: 128 });
      }
      remote = ".";
    } else if (rest.startsWith("./")) {
      rest = rest.slice(2);
    } else break;
  }
  let out = `${remote}${colonSeparated ? ":" : "/"}${rest}`;
  if (rest.endsWith("/")) out = out.slice(0, -1);
  return out.startsWith("./") ? out.slice(2) : out;
}

/** jq -r's text of a scalar, "" for absent, null and false. */
function text(v: unknown): string {
  return v === undefined || v === null || v === false ? "" : String(v);
}

/**
 * The transport options for one submodule, as upstream's environment would
 * authenticate it: an HTTP(S) URL uses the `submodule_credentials` entry for
 * its host (the `machine` lines of ~/.netrc come before the `default` one),
 * else the source's username and password; an SSH URL uses the private key
 * of the entry whose `url` equals the URL written in .gitmodules, else the
 * source's key.
 */
export function submoduleRemoteOptions(base: RemoteOptions, source: GitSource, gitmodulesUrl: string, resolved: string): RemoteOptions {
  const entries = source.submodule_credentials ?? [];
  const kind = parseRemote(resolved).kind;
  if (kind === "http") {
    const host = new URL(resolved).hostname;
    const match = entries.find((e) => text(e.host) !== "" && text(e.host) === host && text(e.username) !== "" && text(e.password) !== "");
    if (match) return { ...base, username: text(match.username), password: text(match.password) };
    return base;
  }
  if (kind === "ssh") {
    const match = entries.find((e) => text(e.url) === gitmodulesUrl && text(e.private_key) !== "");
    if (match) {
      const passphrase = text(match.private_key_passphrase);
      const options: RemoteOptions = { ...base, private_key: text(match.private_key) };
      delete options.private_key_passphrase;
      if (passphrase !== "") options.private_key_passphrase = passphrase;
      return options;
    }
  }
  return base;
}

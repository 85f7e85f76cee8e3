/**
 * The one interface every transport implements: isomorphic-git's http plugin.
 * check/in/out hand `Remote.url` and `Remote.http` to isomorphic-git whatever
 * the URI's scheme, so SSH and local repositories look like smart-HTTP remotes.
 */
import type { AuthCallback, GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";

export type { AuthCallback, GitHttpRequest, GitHttpResponse, HttpClient };

export interface RemoteOptions {
  username?: string;
  password?: string;
  private_key?: string;
  private_key_passphrase?: string;
  private_key_user?: string;
  skip_ssl_verification?: boolean;
  signal?: AbortSignal;
  /**
   * Milliseconds: bounds connecting, and any stretch with no bytes moving
   * while a response is awaited or streamed. Default 60 s.
   */
  timeout?: number;
  /** Proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, ALL_PROXY); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * SSH port when the URI names none (scp-style `user@host:path` cannot): what
   * a `Port` line in ~/.ssh/config would give. Default 22.
   */
  ssh_port?: number;
}

export interface Remote {
  /**
   * What to pass to isomorphic-git as `url`. For SSH and local remotes this is
   * a synthetic http:// address understood only by `http` below: write `uri`,
   * not this, into a clone's remote.origin.url.
   */
  url: string;
  /** The URI as given, credentials removed: for messages and git config. */
  uri: string;
  kind: "http" | "ssh" | "local";
  http: HttpClient;
  /** Unset: credentials are applied by `http` itself. */
  onAuth?: AuthCallback;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export type GitService = "git-upload-pack" | "git-receive-pack";

/**
 * One entry point for every git remote: `openRemote` classifies the URI and
 * returns what isomorphic-git needs (`url`, `http`), whatever the transport.
 * Callers must `close()` the Remote to release sockets and SSH sessions.
 */
import { createHttpTransport } from "./http.ts";
import { createLocalTransport } from "./local.ts";
import { createSshTransport } from "./ssh.ts";
import type { Remote, RemoteOptions } from "./types.ts";
import { parseRemote, redactUri } from "./url.ts";

export type { Remote, RemoteOptions } from "./types.ts";
export { MISSING_PASSPHRASE } from "./ssh-key.ts";
export { parseRemote, redactUri } from "./url.ts";

export async function openRemote(uri: string, options: RemoteOptions = {}): Promise<Remote> {
  const parsed = parseRemote(uri);
  const clean = redactUri(uri);
  switch (parsed.kind) {
    case "http": {
      const t = createHttpTransport(parsed.url, options);
      return { url: t.url, uri: clean, kind: "http", http: t.http, close: async () => t.close() };
    }
    case "ssh": {
      const t = createSshTransport(parsed, options);
      return { url: t.url, uri: clean, kind: "ssh", http: t.http, close: () => t.close() };
    }
    case "local": {
      const t = createLocalTransport(parsed.path, options);
      return { url: t.url, uri: clean, kind: "local", http: t.http, close: () => t.close() };
    }
  }
}

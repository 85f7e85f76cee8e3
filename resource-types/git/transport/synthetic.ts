/**
 * The smart-HTTP surface that non-HTTP transports emulate: isomorphic-git only
 * speaks to http(s) URLs, so SSH and local remotes get a synthetic base URL and
 * their clients decode which service a request is for from its path.
 */
import { JetwayError } from "../../../src/protocol/errors.ts";
import { FLUSH, pkt } from "./pktline.ts";
import type { GitHttpResponse, GitService } from "./types.ts";

export function syntheticUrl(kind: "ssh" | "local", label: string): string {
  // .invalid can never resolve, so a synthetic URL leaking to a real HTTP client fails fast
  return `http://${kind}.jetway.invalid/${encodeURIComponent(label)}`;
}

export type SmartCall = { service: GitService; phase: "advertise" | "rpc" };

export function decodeSmartCall(url: string, method: string | undefined): SmartCall {
  const u = new URL(url);
  const m = (method ?? "GET").toUpperCase();
  if (m === "GET" && u.pathname.endsWith("/info/refs")) {
    const service = u.searchParams.get("service");
    if (service === "git-upload-pack" || service === "git-receive-pack") return { service, phase: "advertise" };
  }
  if (m === "POST") {
    if (u.pathname.endsWith("/git-upload-pack")) return { service: "git-upload-pack", phase: "rpc" };
    if (u.pathname.endsWith("/git-receive-pack")) return { service: "git-receive-pack", phase: "rpc" };
  }
  throw new JetwayError("INTERNAL", `internal error: unexpected smart-HTTP request ${m} ${u.pathname}${u.search}`);
}

/** The smart-HTTP preamble: `# service=...` then a flush, before the advertisement proper. */
export function servicePreamble(service: GitService): Buffer {
  return Buffer.concat([pkt(`# service=${service}\n`), FLUSH]);
}

export function okResponse(
  url: string,
  method: string,
  contentType: string,
  body: AsyncIterableIterator<Uint8Array>,
): GitHttpResponse {
  return { url, method, statusCode: 200, statusMessage: "OK", headers: { "content-type": contentType }, body };
}

export async function* once(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

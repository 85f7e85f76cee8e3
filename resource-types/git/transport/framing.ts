/**
 * Detects a response cut short. With side-band (upload-pack) or report-status
 * (receive-pack) the whole response is pkt-lines ending in a flush, so a
 * stream that ends mid-packet or without that flush was truncated: a server
 * that exits 0 after a broken pipe, or an HTTP body with no length. Without
 * this, isomorphic-git sees a bare parse error on a short pack.
 */
import type { GitService } from "./types.ts";

/** Whether the response to this request body will be pkt-line framed to the end. */
export function responseIsFramed(service: GitService, requestBody: Buffer): boolean {
  // capabilities ride on the first line: after a space (upload-pack) or a NUL (receive-pack)
  const len = parseInt(requestBody.toString("latin1", 0, 4), 16);
  if (!Number.isFinite(len) || len < 4) return false;
  const first = requestBody.toString("latin1", 4, Math.min(len, requestBody.length));
  const caps = new Set(first.replace(/\n$/, "").split(/[\s\0]+/));
  return service === "git-upload-pack" ? caps.has("side-band-64k") || caps.has("side-band") : caps.has("report-status");
}

export async function* checkFraming(
  source: AsyncIterable<Uint8Array>,
  truncated: (bytesSeen: number) => Error,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  let header = "";
  /** payload bytes still due in the current packet */
  let remaining = 0;
  let lastWasFlush = false;
  let malformed = false;
  for await (const chunk of source) {
    let i = 0;
    while (i < chunk.length && !malformed) {
      if (remaining > 0) {
        const skip = Math.min(remaining, chunk.length - i);
        remaining -= skip;
        i += skip;
        continue;
      }
      const take = Math.min(4 - header.length, chunk.length - i);
      header += Buffer.from(chunk.buffer, chunk.byteOffset + i, take).toString("latin1");
      i += take;
      if (header.length < 4) continue;
      const len = /^[0-9a-fA-F]{4}$/.test(header) ? parseInt(header, 16) : NaN;
      // not pkt-lines after all: leave the verdict to the protocol parser
      if (Number.isNaN(len)) malformed = true;
      lastWasFlush = len === 0;
      remaining = len >= 4 ? len - 4 : 0;
      header = "";
    }
    total += chunk.length;
    yield chunk;
  }
  if (!malformed && (header !== "" || remaining > 0 || !lastWasFlush)) throw truncated(total);
}

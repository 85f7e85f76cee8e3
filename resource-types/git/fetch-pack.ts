/**
 * The client half of a fetch (`git fetch-pack`, protocol v0/v1, one
 * stateless round as smart HTTP requires): send wants, the repository's
 * shallow boundary, a deepen line and haves, then stream the pack the
 * server answers with to disk and index it there (pack-indexer.ts). Nothing
 * of the pack is held in memory beyond one side-band packet.
 *
 * Every transport (http, ssh, local) is reached the same way: a POST to
 * `<url>/git-upload-pack` through the Remote's HttpClient.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { JetwayError } from "../../src/protocol/errors.ts";
import { indexPack, PackFormatError, type ExternalObject } from "./pack-indexer.ts";
import { USER_AGENT } from "./ref-advertisement.ts";
import type { Remote } from "./transport/index.ts";
import { FLUSH, PktReader, pkt } from "./transport/pktline.ts";
import { once } from "./transport/synthetic.ts";
import { YoungGarbage } from "./young-garbage.ts";

export interface FetchRequest {
  wants: readonly string[];
  haves?: readonly string[];
  /** the repository's current shallow boundary (its shallow file) */
  shallow?: Iterable<string>;
  /** history depth to fetch: `deepen N` */
  depth?: number;
  /** depth counts from the current shallow boundary (deepen-relative) */
  relative?: boolean;
}

export interface FetchResult {
  /** commits the server says the fetched history is cut at */
  shallow: string[];
  /** commits the server says are no longer cut */
  unshallow: string[];
  /** the new pack (pack-<sha>.pack under objects/pack), or undefined when the server sent no objects */
  pack?: string;
  objects: number;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** objects already in the repository, for ref-deltas against them (thin packs are not asked for) */
  externalBase?: (oid: string) => ExternalObject | undefined;
}

export async function fetchPack(
  remote: Remote,
  gitdir: string,
  serverCaps: ReadonlySet<string>,
  request: FetchRequest,
  options: FetchOptions = {},
): Promise<FetchResult> {
  const body = requestBody(remote, serverCaps, request);
  const res = await remote.http.request({
    url: `${remote.url}/git-upload-pack`,
    method: "POST",
    headers: {
      "content-type": "application/x-git-upload-pack-request",
      accept: "application/x-git-upload-pack-result",
      "user-agent": USER_AGENT,
    },
    body: once(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (res.statusCode !== 200) {
    throw new JetwayError("OPERATION_FAILED", `${remote.uri}: fetch failed: HTTP ${res.statusCode} ${res.statusMessage}`.trimEnd());
  }
  const reader = new PktReader(res.body ?? []);
  const result: FetchResult = { shallow: [], unshallow: [], objects: 0 };
  await readNegotiation(reader, result, remote.uri);

  const packDir = join(gitdir, "objects", "pack");
  const tmp = join(packDir, `tmp_pack_${randomBytes(6).toString("hex")}`);
  const tmpIdx = `${tmp}.idx`;
  let fd: number | undefined = openSync(tmp, "wx", 0o444);
  try {
    let bytes = 0;
    const chunks = new YoungGarbage();
    const write = (chunk: Uint8Array) => {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd!, chunk, done, chunk.length - done);
      bytes += chunk.length;
      chunks.add(chunk.length);
    };
    if (sidebandOf(serverCaps) !== undefined) await demux(reader.rest(), write, remote.uri);
    else for await (const chunk of reader.rest()) write(chunk);
    closeSync(fd);
    fd = undefined;
    if (bytes === 0) throw new JetwayError("OPERATION_FAILED", `${remote.uri}: the server sent no pack`);
    let indexed;
    try {
      indexed = indexPack(tmp, tmpIdx, options.externalBase ? { externalBase: options.externalBase } : {});
    } catch (e) {
      if (e instanceof PackFormatError) throw new JetwayError("OPERATION_FAILED", `fatal: ${remote.uri}: bad pack from the server: ${e.message}`, { exitCode: 128 });
      throw e;
    }
    result.objects = indexed.objects;
    if (indexed.objects === 0) return result;
    const name = join(packDir, `pack-${indexed.checksum}`);
    // a pack is visible once its .idx exists: the .pack goes first
    if (existsSync(`${name}.pack`)) rmSync(tmp);
    else renameSync(tmp, `${name}.pack`);
    renameSync(tmpIdx, `${name}.idx`);
    result.pack = `${name}.pack`;
    return result;
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    rmSync(tmpIdx, { force: true });
  }
}

function sidebandOf(caps: ReadonlySet<string>): string | undefined {
  return caps.has("side-band-64k") ? "side-band-64k" : caps.has("side-band") ? "side-band" : undefined;
}

function requestBody(remote: Remote, serverCaps: ReadonlySet<string>, request: FetchRequest): Buffer {
  const missing = (cap: string, why: string) =>
    new JetwayError("OPERATION_FAILED", `${remote.uri}: the server does not support ${cap}, needed for ${why}`);
  if (request.depth !== undefined && !serverCaps.has("shallow")) throw missing("shallow clones", "params.depth");
  if (request.relative && !serverCaps.has("deepen-relative")) throw missing("deepen-relative", "deepening a shallow clone");
  const caps: string[] = [];
  const sideband = sidebandOf(serverCaps);
  if (sideband) caps.push(sideband);
  for (const cap of ["ofs-delta", "no-progress"]) if (serverCaps.has(cap)) caps.push(cap);
  if (request.relative) caps.push("deepen-relative");
  if ([...serverCaps].some((c) => c.startsWith("agent="))) caps.push(`agent=${USER_AGENT.slice(4)}`);

  const parts: Buffer[] = [];
  const wants = [...new Set(request.wants)];
  if (wants.length === 0) throw new JetwayError("INTERNAL", "internal error: a fetch with nothing wanted");
  wants.forEach((oid, i) => parts.push(pkt(i === 0 ? `want ${oid} ${caps.join(" ")}\n` : `want ${oid}\n`)));
  for (const oid of request.shallow ?? []) parts.push(pkt(`shallow ${oid}\n`));
  if (request.depth !== undefined) parts.push(pkt(`deepen ${request.depth}\n`));
  parts.push(FLUSH);
  for (const oid of new Set(request.haves ?? [])) parts.push(pkt(`have ${oid}\n`));
  parts.push(pkt("done\n"));
  return Buffer.concat(parts);
}

/**
 * The lines before the pack: an optional shallow-info section ended by a
 * flush (sent when the request had shallow or deepen lines), then one ACK or
 * NAK, as the request asked for no multi_ack.
 */
async function readNegotiation(reader: PktReader, result: FetchResult, uri: string): Promise<void> {
  for (;;) {
    const line = await reader.read();
    if (line === undefined) throw new JetwayError("OPERATION_FAILED", `${uri}: the server ended the fetch before sending a pack`);
    if (line === null) continue;
    const text = line.toString("utf8").replace(/\n$/, "");
    if (text.startsWith("shallow ")) result.shallow.push(oidOf(text, uri));
    else if (text.startsWith("unshallow ")) result.unshallow.push(oidOf(text, uri));
    else if (text === "NAK") return;
    else if (text.startsWith("ACK ")) {
      // "ACK <oid> common|continue|ready" come only with multi_ack, which is not asked for
      if (text.split(" ").length === 2) return;
    } else if (text.startsWith("ERR ")) throw new JetwayError("OPERATION_FAILED", `fatal: remote error: ${text.slice(4)}`, { exitCode: 128 });
    else throw new JetwayError("OPERATION_FAILED", `${uri}: unexpected line from upload-pack: ${JSON.stringify(text.slice(0, 80))}`);
  }
}

function oidOf(text: string, uri: string): string {
  const oid = text.slice(text.indexOf(" ") + 1);
  if (!/^[0-9a-f]{40}$/.test(oid)) throw new JetwayError("OPERATION_FAILED", `${uri}: bad shallow line from upload-pack: ${JSON.stringify(text.slice(0, 80))}`);
  return oid;
}

/**
 * Side-band: band 1 is the pack, 2 progress (dropped), 3 a fatal error; a
 * flush ends it. Parsed as the bytes arrive, so pack data goes to disk as
 * slices of the received chunks, never copied or gathered into packets.
 */
async function demux(source: AsyncIterable<Buffer>, write: (chunk: Uint8Array) => void, uri: string): Promise<void> {
  const bad = (why: string) => new JetwayError("OPERATION_FAILED", `${uri}: bad side-band stream from upload-pack (${why})`);
  let header = "";
  /** payload bytes still due in the current packet, band byte included */
  let remaining = 0;
  let band = 0;
  let message: Buffer[] = [];
  let flushed = false;
  for await (const chunk of source) {
    let i = 0;
    while (i < chunk.length) {
      if (flushed) throw bad("bytes after the closing flush");
      if (remaining === 0) {
        const take = Math.min(4 - header.length, chunk.length - i);
        header += chunk.toString("latin1", i, i + take);
        i += take;
        if (header.length < 4) continue;
        if (!/^[0-9a-fA-F]{4}$/.test(header)) throw bad(`packet header ${JSON.stringify(header)}`);
        const length = parseInt(header, 16);
        header = "";
        if (length === 0) {
          flushed = true;
          continue;
        }
        if (length < 4) throw bad(`packet length ${length}`);
        remaining = length - 4;
        band = 0;
        continue;
      }
      if (band === 0) {
        band = chunk[i++]!;
        remaining--;
        if (band < 1 || band > 3) throw bad(`band ${band}`);
      }
      const take = Math.min(remaining, chunk.length - i);
      if (band === 1) write(chunk.subarray(i, i + take));
      else if (band === 3) message.push(Buffer.from(chunk.subarray(i, i + take)));
      remaining -= take;
      i += take;
      if (remaining === 0 && band === 3) {
        throw new JetwayError("OPERATION_FAILED", `fatal: remote error: ${Buffer.concat(message).toString("utf8").trim()}`, { exitCode: 128 });
      }
      if (remaining === 0) message = [];
    }
  }
  if (!flushed) throw new JetwayError("OPERATION_FAILED", `${uri}: the pack stream ended without its closing flush`);
}

/**
 * One git-receive-pack exchange: the ref commands (capabilities on the first),
 * push options when asked for, the pack, then the server's report-status,
 * demultiplexed from side-band-64k when the server offers it. What the
 * server prints on the progress band (hook output) is passed on as
 * "remote: ..." lines, as git does.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { FLUSH, PktReader, bodyStream, pkt } from "./transport/pktline.ts";
import type { Remote } from "./transport/index.ts";

export interface WireCommand {
  old: string;
  new: string;
  ref: string;
}

export interface WireReport {
  /** "ok", or why the server could not unpack */
  unpack: string;
  /** ref -> undefined when updated, else the server's reason */
  refs: Map<string, string | undefined>;
}

const AGENT = "agent=jetway";

export async function sendPack(
  remote: Remote,
  advertised: ReadonlySet<string>,
  commands: readonly WireCommand[],
  pack: Uint8Array,
  pushOptions: readonly string[],
  onRemoteMessage: (line: string) => void,
): Promise<WireReport> {
  const caps = ["report-status"];
  const sideband = advertised.has("side-band-64k");
  if (sideband) caps.push("side-band-64k");
  // git asks for quiet whenever its stderr is not a terminal, which is always so in a put
  if (advertised.has("quiet")) caps.push("quiet");
  if (pushOptions.length > 0) {
    if (!advertised.has("push-options")) {
      throw new JetwayError("OPERATION_FAILED", "fatal: the receiving end does not support push options", { exitCode: 128 });
    }
    caps.push("push-options");
  }
  caps.push(AGENT);
  const parts: Buffer[] = commands.map((c, i) => pkt(`${c.old} ${c.new} ${c.ref}${i === 0 ? `\0${caps.join(" ")}` : ""}\n`));
  parts.push(FLUSH);
  if (pushOptions.length > 0) {
    for (const o of pushOptions) parts.push(pkt(`${o}\n`));
    parts.push(FLUSH);
  }
  parts.push(Buffer.from(pack));
  const res = await remote.http.request({
    url: `${remote.url}/git-receive-pack`,
    method: "POST",
    headers: {
      "content-type": "application/x-git-receive-pack-request",
      accept: "application/x-git-receive-pack-result",
      "user-agent": "git/jetway",
    },
    // isomorphic-git's own calls pass arrays too; its type only admits iterators
    body: [Buffer.concat(parts)] as unknown as AsyncIterableIterator<Uint8Array>,
  });
  if (res.statusCode !== 200) {
    throw new JetwayError("OPERATION_FAILED", `error: RPC failed; HTTP ${res.statusCode} ${res.statusMessage} pushing to ${remote.uri}`);
  }
  const body = bodyStream(res.body);
  const status = sideband ? demux(body, onRemoteMessage) : body;
  return parseReport(status);
}

async function* demux(body: AsyncIterable<Uint8Array>, onRemoteMessage: (line: string) => void): AsyncGenerator<Uint8Array> {
  const reader = new PktReader(body);
  let progress = "";
  const flushProgress = (final: boolean) => {
    const lines = progress.split(/\r?\n|\r/);
    progress = final ? "" : (lines.pop() ?? "");
    for (const l of final ? lines.filter((x) => x !== "") : lines) onRemoteMessage(`remote: ${l}`);
  };
  for (;;) {
    const line = await reader.read();
    if (line === undefined || line === null) break;
    const band = line[0];
    const data = line.subarray(1);
    if (band === 1) yield data;
    else if (band === 2) {
      progress += data.toString("utf8");
      flushProgress(false);
    } else if (band === 3) {
      flushProgress(true);
      throw new JetwayError("OPERATION_FAILED", `remote error: ${data.toString("utf8").trim()}`);
    }
  }
  flushProgress(true);
}

async function parseReport(stream: AsyncIterable<Uint8Array>): Promise<WireReport> {
  const reader = new PktReader(stream);
  let unpack: string | undefined;
  const refs = new Map<string, string | undefined>();
  for (;;) {
    const line = await reader.read();
    if (line === undefined || line === null) break;
    const text = line.toString("utf8").replace(/\n$/, "");
    if (text.startsWith("unpack ")) unpack = text.slice("unpack ".length);
    else if (text.startsWith("ok ")) refs.set(text.slice(3), undefined);
    else if (text.startsWith("ng ")) {
      const rest = text.slice(3);
      const sp = rest.indexOf(" ");
      refs.set(sp < 0 ? rest : rest.slice(0, sp), sp < 0 ? "failed" : rest.slice(sp + 1));
    }
  }
  if (unpack === undefined) throw new JetwayError("OPERATION_FAILED", "error: the remote end hung up before reporting the push's status");
  return { unpack, refs };
}

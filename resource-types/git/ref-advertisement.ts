/**
 * The upload-pack ref advertisement (protocol v0/v1, what every transport
 * returns for GET info/refs?service=git-upload-pack): the refs, the
 * server's capabilities, HEAD's target and the peeled value of annotated tags.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { PktReader } from "./transport/pktline.ts";
import type { Remote } from "./transport/index.ts";

export interface RefAdvertisement {
  /** ref name -> object id, in the server's order (HEAD first when listed) */
  refs: Map<string, string>;
  /** annotated tag ref -> the object it peels to (the `^{}` lines) */
  peeled: Map<string, string>;
  /** symbolic refs announced with `symref=`, e.g. HEAD -> refs/heads/main */
  symrefs: Map<string, string>;
  capabilities: Set<string>;
}

const OID = /^[0-9a-f]{40}$/;
/** hosts such as GitHub serve the smart protocol only to agents named git/... */
export const USER_AGENT = "git/jetway";

export async function fetchRefAdvertisement(remote: Remote, signal?: AbortSignal): Promise<RefAdvertisement> {
  const res = await remote.http.request({
    url: `${remote.url}/info/refs?service=git-upload-pack`,
    method: "GET",
    headers: { "user-agent": USER_AGENT, accept: "*/*" },
    ...(signal ? { signal } : {}),
  });
  if (res.statusCode !== 200) {
    throw new JetwayError("OPERATION_FAILED", `${remote.uri}: listing refs failed: HTTP ${res.statusCode} ${res.statusMessage}`.trimEnd());
  }
  return parseRefAdvertisement(new PktReader(res.body ?? []), remote.uri);
}

export async function parseRefAdvertisement(reader: PktReader, uri: string): Promise<RefAdvertisement> {
  const bad = (why: string) => new JetwayError("OPERATION_FAILED", `${uri}: not a git smart-HTTP server (${why})`);
  const read = async () => {
    try {
      return await reader.read();
    } catch (e) {
      if (e instanceof JetwayError) throw e;
      throw bad(e instanceof Error ? e.message : String(e));
    }
  };
  const first = await read();
  if (first === undefined || first === null) throw bad("empty ref listing");
  let line: Buffer | null | undefined = first;
  if (first.toString("latin1").startsWith("# service=")) {
    // the smart-HTTP preamble and its flush; the advertisement proper follows
    if ((await read()) !== null) throw bad("no flush after the service line");
    line = await read();
  }
  const ad: RefAdvertisement = { refs: new Map(), peeled: new Map(), symrefs: new Map(), capabilities: new Set() };
  let firstRef = true;
  for (; line !== undefined && line !== null; line = await read()) {
    let text = line.toString("utf8");
    if (text.startsWith("ERR ")) throw new JetwayError("OPERATION_FAILED", `${uri}: the server refused: ${text.slice(4).trim()}`);
    if (text.endsWith("\n")) text = text.slice(0, -1);
    if (firstRef) {
      firstRef = false;
      const nul = text.indexOf("\0");
      if (nul >= 0) {
        for (const cap of text.slice(nul + 1).split(" ")) {
          if (cap === "") continue;
          ad.capabilities.add(cap);
          const m = /^symref=([^:]+):(.+)$/.exec(cap);
          if (m) ad.symrefs.set(m[1]!, m[2]!);
        }
        text = text.slice(0, nul);
      }
    }
    const sp = text.indexOf(" ");
    const oid = text.slice(0, sp);
    const name = text.slice(sp + 1);
    if (sp !== 40 || !OID.test(oid) || name === "") throw bad(`unreadable ref line ${JSON.stringify(text.slice(0, 80))}`);
    // an empty repository advertises only its capabilities, on a dummy ref
    if (name === "capabilities^{}") continue;
    if (name.endsWith("^{}")) ad.peeled.set(name.slice(0, -3), oid);
    else ad.refs.set(name, oid);
  }
  if (line === undefined) throw bad("the listing ended before its flush-pkt");
  return ad;
}

/**
 * The server half of a fetch, in process, for local repositories: parses an
 * upload-pack request (wants, shallow/deepen lines, haves, done), decides
 * which objects the client lacks and streams them as a pack over side-band-64k.
 * Everything that can fail on bad input fails before the response starts.
 */
import { JetwayError } from "../../../src/protocol/errors.ts";
import { parseTagTarget, parseTree, type LocalRepo } from "./local-repo.ts";
import { writePack } from "./pack-writer.ts";
import { FLUSH, PktReader, pkt, sideband } from "./pktline.ts";
import { selectCommits, type DeepenSpec } from "./commit-walk.ts";

export interface UploadPackRequest {
  wants: string[];
  capabilities: Set<string>;
  clientShallow: Set<string>;
  deepen?: DeepenSpec;
  haves: string[];
}

const OID = /^[0-9a-f]{40}$/;

export async function parseUploadPackRequest(body: AsyncIterable<Uint8Array>): Promise<UploadPackRequest> {
  const reader = new PktReader(body);
  const req: UploadPackRequest = { wants: [], capabilities: new Set(), clientShallow: new Set(), haves: [] };
  let depth: number | undefined;
  let since: number | undefined;
  const not: string[] = [];
  let section: "wants" | "haves" = "wants";
  for (;;) {
    const line = await reader.read();
    if (line === undefined) break;
    if (line === null) {
      section = "haves";
      continue;
    }
    const text = line.toString("utf8").replace(/\n$/, "");
    if (text === "done") break;
    const [word, arg = "", ...caps] = text.split(" ");
    if (section === "wants") {
      if (word === "want" && OID.test(arg)) {
        if (req.wants.length === 0) for (const c of caps) if (c !== "") req.capabilities.add(c);
        req.wants.push(arg);
      } else if (word === "shallow" && OID.test(arg)) req.clientShallow.add(arg);
      else if (word === "deepen" && /^\d+$/.test(arg)) depth = Number(arg);
      else if (word === "deepen-since" && /^\d+$/.test(arg)) since = Number(arg);
      else if (word === "deepen-not" && arg !== "") not.push(arg);
      else throw protocolError(`unexpected line in the want section: ${text.slice(0, 80)}`);
    } else if (word === "have" && OID.test(arg)) req.haves.push(arg);
    else throw protocolError(`unexpected line in the have section: ${text.slice(0, 80)}`);
  }
  const relative = req.capabilities.has("deepen-relative");
  if (depth !== undefined || since !== undefined || not.length > 0) {
    req.deepen = {
      ...(depth !== undefined ? { depth } : {}),
      ...(since !== undefined ? { since } : {}),
      not,
      relative,
    };
  }
  return req;
}

function protocolError(message: string): JetwayError {
  return new JetwayError("OPERATION_FAILED", `local upload-pack: ${message}`);
}

/** Plans the response (throws on bad wants), then returns it as a byte stream. */
export async function serveUploadPack(
  repo: LocalRepo,
  req: UploadPackRequest,
  signal?: AbortSignal,
): Promise<AsyncGenerator<Uint8Array>> {
  const tags: string[] = [];
  const wantCommits: string[] = [];
  const loose: string[] = [];
  for (const want of req.wants) {
    let oid = want;
    for (let hops = 0; hops < 32; hops++) {
      let type: string;
      try {
        type = repo.read(oid).type;
      } catch {
        throw new JetwayError("OPERATION_FAILED", `local upload-pack: not our ref ${oid}`);
      }
      if (type !== "tag") {
        if (type === "commit") wantCommits.push(oid);
        else loose.push(oid);
        break;
      }
      tags.push(oid);
      oid = parseTagTarget(repo.read(oid).data);
    }
  }
  // clients send their tag refs' values too: walk from what a tag names
  const haves: string[] = [];
  for (const h of req.haves) {
    if (!repo.has(h)) continue;
    const peeled = repo.peel(h);
    if (repo.read(peeled).type === "commit") haves.push(peeled);
  }
  const plan = await selectCommits(repo, {
    wants: wantCommits,
    haves,
    clientShallow: req.clientShallow,
    ...(req.deepen ? { deepen: req.deepen } : {}),
  });
  const objects = collectObjects(repo, plan.send, plan.edges, loose, tags);
  const sideband64k = req.capabilities.has("side-band-64k") || req.capabilities.has("side-band");
  const ack = haves.length > 0 ? `ACK ${haves[0]}\n` : "NAK\n";

  return (async function* respond(): AsyncGenerator<Uint8Array> {
    if (req.deepen) {
      for (const oid of plan.shallow) yield pkt(`shallow ${oid}\n`);
      for (const oid of plan.unshallow) yield pkt(`unshallow ${oid}\n`);
      yield FLUSH;
    }
    yield pkt(ack);
    const pack = writePack(objects, repo.store, { ofsDelta: req.capabilities.has("ofs-delta"), signal });
    if (!sideband64k) {
      yield* pack;
      return;
    }
    for await (const chunk of pack) yield* sideband(1, chunk);
    yield FLUSH;
  })();
}

/**
 * Commits to send, then the trees and blobs they introduce. Everything in the
 * trees of `edges` (commits the client has, adjacent to what it gets) is
 * taken as present on the client, as git's mark_edges_uninteresting does.
 */
function collectObjects(
  repo: LocalRepo,
  commits: readonly string[],
  edges: readonly string[],
  loose: readonly string[],
  tags: readonly string[],
): string[] {
  const known = new Set<string>();
  for (const edge of edges) markTree(repo, repo.commit(edge).tree, known);
  const out: string[] = [...commits];
  for (const c of commits) known.add(c);
  const walk = (treeOid: string): void => {
    if (known.has(treeOid)) return;
    known.add(treeOid);
    out.push(treeOid);
    const { data } = repo.read(treeOid);
    for (const entry of parseTree(data)) {
      if (entry.kind === "commit" || known.has(entry.oid)) continue;
      if (entry.kind === "tree") walk(entry.oid);
      else {
        known.add(entry.oid);
        out.push(entry.oid);
      }
    }
  };
  for (const c of commits) walk(repo.commit(c).tree);
  for (const oid of loose) {
    const { type } = repo.read(oid);
    if (type === "tree") walk(oid);
    else if (!known.has(oid)) {
      known.add(oid);
      out.push(oid);
    }
  }
  for (const t of tags) if (!known.has(t)) {
    known.add(t);
    out.push(t);
  }
  return out;
}

function markTree(repo: LocalRepo, treeOid: string, known: Set<string>): void {
  if (known.has(treeOid)) return;
  known.add(treeOid);
  const { data } = repo.read(treeOid);
  for (const entry of parseTree(data)) {
    if (entry.kind === "tree") markTree(repo, entry.oid, known);
    else if (entry.kind === "blob") known.add(entry.oid);
  }
}

/**
 * Protocol-v1 ref advertisements for the in-process upload-pack and
 * receive-pack: what `git upload-pack --advertise-refs` would print, limited
 * to the capabilities our server side actually implements.
 */
import { FLUSH, pkt } from "./pktline.ts";
import { ZERO_OID, type LocalRepo } from "./local-repo.ts";
import type { GitService } from "./types.ts";

const AGENT = "agent=jetway-local";
// no multi_ack/no-done (all haves arrive with "done"), no thin-pack (isomorphic-git stores packs as received)
const UPLOAD_CAPS = ["side-band-64k", "ofs-delta", "shallow", "deepen-since", "deepen-not", "deepen-relative", "no-progress", AGENT];
const RECEIVE_CAPS = ["report-status", "delete-refs", "side-band-64k", "quiet", "ofs-delta", AGENT];

export async function advertise(repo: LocalRepo, service: GitService): Promise<Buffer> {
  const upload = service === "git-upload-pack";
  const { refs, peeled, headTarget } = await repo.listRefs(upload);
  const caps = upload ? [...UPLOAD_CAPS] : [...RECEIVE_CAPS];
  if (upload && headTarget !== undefined && refs.some(([n]) => n === headTarget)) caps.splice(0, 0, `symref=HEAD:${headTarget}`);
  const lines: Buffer[] = [];
  if (refs.length === 0) {
    lines.push(pkt(`${ZERO_OID} capabilities^{}\0${caps.join(" ")}\n`));
  }
  for (const [i, [name, oid]] of refs.entries()) {
    lines.push(pkt(i === 0 ? `${oid} ${name}\0${caps.join(" ")}\n` : `${oid} ${name}\n`));
    const target = upload ? peeled.get(name) : undefined;
    if (target !== undefined) lines.push(pkt(`${target} ${name}^{}\n`));
  }
  lines.push(FLUSH);
  return Buffer.concat(lines);
}

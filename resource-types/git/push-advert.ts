/**
 * The remote's refs and capabilities from its protocol-v1 advertisement:
 * git-receive-pack's for a push, git-upload-pack's before a fetch.
 */
import git from "isomorphic-git";
import type { Remote } from "./transport/index.ts";

export interface Advertisement {
  /** full ref name -> the object it names (a tag object for an annotated tag) */
  refs: Map<string, string>;
  /** ref -> the commit an annotated tag peels to, when advertised */
  peeled: Map<string, string>;
  capabilities: Set<string>;
}

export async function advertisement(remote: Remote, forPush: boolean): Promise<Advertisement> {
  const info = await git.getRemoteInfo2({
    http: remote.http,
    url: remote.url,
    forPush,
    protocolVersion: 1,
    ...(remote.onAuth && { onAuth: remote.onAuth }),
  });
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const r of info.refs ?? []) {
    if (r.ref === "HEAD" || r.ref.endsWith("^{}")) continue;
    refs.set(r.ref, r.oid);
    if (r.peeled) peeled.set(r.ref, r.peeled);
  }
  const capabilities = new Set<string>();
  for (const [k, v] of Object.entries(info.capabilities)) capabilities.add(v === true ? k : `${k}=${v}`);
  return { refs, peeled, capabilities };
}

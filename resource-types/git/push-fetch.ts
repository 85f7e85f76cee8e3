/**
 * The fetches rebase and merge make before integrating: the target branch
 * (leaving refs/remotes/push-target/<branch>, as git pull does) and the
 * remote's notes (refs/notes/*:refs/notes/*, without '+': a local notes ref
 * that is not an ancestor of the remote's is refused). Objects already here
 * are not fetched again.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { Remote } from "./transport/index.ts";
import type { GitRepo } from "./repo.ts";
import { isAncestor, readShallow } from "./push-revwalk.ts";

/** The remote upstream's `git remote add` creates; isomorphic-git's fetch needs its refspec. */
export const PUSH_TARGET = "push-target";

export async function ensurePushTarget(gitdir: string, uri: string): Promise<void> {
  await git.setConfig({ fs, gitdir, path: `remote.${PUSH_TARGET}.url`, value: uri });
  await git.setConfig({ fs, gitdir, path: `remote.${PUSH_TARGET}.fetch`, value: `+refs/heads/*:refs/remotes/${PUSH_TARGET}/*` });
}

/** Makes `oid` (the remote's `ref`) present locally. */
export async function fetchObject(repo: GitRepo, remote: Remote, ref: string, oid: string): Promise<void> {
  if ((await repo.objectType(oid)) !== undefined) return;
  await git.fetch({
    fs,
    http: remote.http,
    gitdir: repo.gitdir,
    cache: repo.cache,
    url: remote.url,
    remote: PUSH_TARGET,
    // HEAD as the local ref makes it the "have" the server negotiates from
    ref: "HEAD",
    remoteRef: ref,
    singleBranch: true,
    tags: false,
    ...(remote.onAuth && { onAuth: remote.onAuth }),
  });
  if ((await repo.objectType(oid)) === undefined) {
    throw new JetwayError("OPERATION_FAILED", `fatal: the remote did not send ${ref} (${oid})`);
  }
}

export async function fetchBranch(repo: GitRepo, remote: Remote, branchRef: string, oid: string): Promise<void> {
  await fetchObject(repo, remote, branchRef, oid);
  const tracking = `refs/remotes/${PUSH_TARGET}/${branchRef.replace(/^refs\/heads\//, "")}`;
  if (branchRef.startsWith("refs/heads/")) await git.writeRef({ fs, gitdir: repo.gitdir, ref: tracking, value: oid, force: true });
}

/** `git fetch push-target "refs/notes/*:refs/notes/*"`. */
export async function fetchNotes(repo: GitRepo, remote: Remote, remoteRefs: ReadonlyMap<string, string>): Promise<void> {
  for (const [ref, oid] of remoteRefs) {
    if (!ref.startsWith("refs/notes/")) continue;
    await fetchObject(repo, remote, ref, oid);
    const local = await repo.resolveRef(ref);
    if (local === oid) continue;
    if (local !== undefined && !(await isAncestor(repo, local, oid, await readShallow(repo.gitdir)))) {
      throw new JetwayError(
        "OPERATION_FAILED",
        ` ! [rejected]        ${ref} -> ${ref}  (non-fast-forward)`,
        { stderr: `From ${remote.uri}\n ! [rejected]        ${ref} -> ${ref}  (non-fast-forward)\n` },
      );
    }
    await git.writeRef({ fs, gitdir: repo.gitdir, ref, value: oid, force: true });
  }
}

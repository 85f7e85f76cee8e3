/**
 * The steps upstream's out chains for each strategy: tag HEAD, push HEAD to
 * <refs_prefix>/<branch> with --tags, push tags alone, add and push a note.
 * Each push prints git's report; the caller decides what a failure costs.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import type { Clock, Logger } from "../../src/protocol/types.ts";
import { identLine, nowSeconds, type Identities } from "./push-identity.ts";
import { addNote, NOTES_REF } from "./push-notes.ts";
import type { RefUpdate } from "./push-plan.ts";
import { pushRefs, type PushResult } from "./push-refs.ts";
import { tagHead } from "./push-tag.ts";
import { GitRepo } from "./repo.ts";
import type { Remote } from "./transport/index.ts";

export interface PutSession {
  gitdir: string;
  remote: Remote;
  logger: Logger;
  clock: Clock;
  identities: Identities;
  force: boolean;
  pushOptions: readonly string[];
  /** the full ref HEAD goes to: <refs_prefix>/<branch> */
  target: string;
  /** prefixed tag name, "" for none */
  tag: string;
  /** annotation text for an annotated tag */
  annotation?: string | undefined;
  /** note text, when params.notes is set */
  note?: string | undefined;
}

/** A fresh reader per step: objects fetched since the last one must be seen, not a cached miss. */
export function openRepo(session: PutSession): GitRepo {
  return new GitRepo(session.gitdir);
}

export async function tagIfAsked(session: PutSession, head: string): Promise<void> {
  if (session.tag === "") return;
  const tagger = identLine(session.identities.committer, nowSeconds(session.clock));
  await tagHead(session.gitdir, { name: session.tag, target: head, annotation: session.annotation, tagger }, session.logger);
}

async function localTags(repo: GitRepo, force: boolean): Promise<RefUpdate[]> {
  return (await repo.listRefs("refs/tags")).map((r) => ({ src: r.name.slice("refs/tags/".length), dst: r.name, oid: r.oid, force }));
}

/** `git push --tags push-target HEAD:<target> [--force]` */
export async function pushHeadAndTags(session: PutSession, head: string): Promise<PushResult> {
  const repo = openRepo(session);
  const updates: RefUpdate[] = [{ src: "HEAD", dst: session.target, oid: head, force: session.force }, ...(await localTags(repo, session.force))];
  return pushRefs(repo, session.remote, updates, { logger: session.logger, pushOptions: session.pushOptions });
}

/** `git push --tags push-target [--force]` */
export async function pushTags(session: PutSession): Promise<PushResult> {
  const repo = openRepo(session);
  return pushRefs(repo, session.remote, await localTags(repo, session.force), { logger: session.logger, pushOptions: session.pushOptions });
}

/**
 * `git notes add -F ../<notes>` then `git push push-target refs/notes/*`.
 * When the push fails the local notes ref is put back, so a retry starts
 * from the remote's notes rather than tripping over its own.
 */
export async function addAndPushNotes(session: PutSession, head: string): Promise<PushResult | undefined> {
  if (session.note === undefined) return undefined;
  const repo = openRepo(session);
  const before = await repo.resolveRef(NOTES_REF);
  const when = nowSeconds(session.clock);
  await addNote(
    repo,
    {
      object: head,
      text: session.note,
      author: identLine(session.identities.author, when),
      committer: identLine(session.identities.committer, when),
    },
    session.logger,
  );
  const fresh = openRepo(session);
  const updates = (await fresh.listRefs("refs/notes")).map((r) => ({ src: r.name, dst: r.name, oid: r.oid, force: false }));
  const result = await pushRefs(fresh, session.remote, updates, { logger: session.logger, pushOptions: session.pushOptions });
  if (!result.ok) {
    if (before === undefined) await git.deleteRef({ fs, gitdir: session.gitdir, ref: NOTES_REF });
    else await git.writeRef({ fs, gitdir: session.gitdir, ref: NOTES_REF, value: before, force: true });
  }
  return result;
}

/**
 * Upstream's merge and rebase loops. Each attempt: (merge only: back to the
 * commit being put) fetch the remote's notes and branch, integrate the
 * branch (rebase.ts / push-merge.ts), tag, push, add and push the note. A
 * push rejected because the remote moved starts another attempt; any other
 * failure is "failed with non-rebase error". Unlike upstream, the loop gives
 * up after MAX_ATTEMPTS, and a branch the remote lacks is pushed as is.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import type { LineMergeOptions } from "./merge3-lines.ts";
import { advertisement } from "./push-advert.ts";
import { fetchBranch, fetchNotes } from "./push-fetch.ts";
import { moveHead, type Head } from "./push-head.ts";
import { identLine, nowSeconds } from "./push-identity.ts";
import { pullMerge } from "./push-merge.ts";
import { pushFailed, type PushResult } from "./push-refs.ts";
import { addAndPushNotes, openRepo, pushHeadAndTags, tagIfAsked, type PutSession } from "./push-steps.ts";
import { rebase } from "./rebase.ts";

export const MAX_ATTEMPTS = 25;

export interface IntegrateOptions {
  mode: "merge" | "rebase";
  /** the branch as upstream names it to git pull (refs/heads/<branch> on the remote) */
  branch: string;
  /** the commit the put started from (merge resets to it before each attempt) */
  commitToPush: string;
  mergeOptions: LineMergeOptions;
}

export async function integrateAndPush(session: PutSession, start: Head, o: IntegrateOptions): Promise<Head> {
  const log = (line: string) => session.logger.log(line);
  let head = start;
  for (let attempt = 1; ; attempt++) {
    log(o.mode === "merge" ? "merging..." : "rebasing...");
    if (o.mode === "merge") {
      head = await moveHead(session.gitdir, head, o.commitToPush);
      log(`HEAD is now at ${o.commitToPush.slice(0, 7)} ${await subjectOf(session, o.commitToPush)}`);
    }
    const adv = await advertisement(session.remote, false);
    await fetchNotes(openRepo(session), session.remote, adv.refs);
    const branchRef = `refs/heads/${o.branch}`;
    const tip = adv.refs.get(branchRef);
    if (tip !== undefined) {
      await fetchBranch(openRepo(session), session.remote, branchRef, tip);
      head = await moveHead(session.gitdir, head, await integrate(session, head, tip, o));
    }

    await tagIfAsked(session, head.oid);
    const pushed = await pushHeadAndTags(session, head.oid);
    const outcome: PushResult = (pushed.ok ? await addAndPushNotes(session, head.oid) : undefined) ?? pushed;
    if (outcome.ok) {
      log("pushed");
      return head;
    }
    if (!outcome.retryable) {
      log("failed with non-rebase error");
      throw pushFailed(session.remote.uri);
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw new JetwayError("OPERATION_FAILED", `gave up after ${MAX_ATTEMPTS} attempts: the remote branch kept moving`);
    }
    log(o.mode === "merge" ? "merging and trying again..." : "rebasing and trying again...");
  }
}

async function integrate(session: PutSession, head: Head, tip: string, o: IntegrateOptions): Promise<string> {
  const when = nowSeconds(session.clock);
  const committer = identLine(session.identities.committer, when);
  if (o.mode === "rebase") {
    return (await rebase(openRepo(session), { head: head.oid, onto: tip, committer, merge: o.mergeOptions })).oid;
  }
  const merged = await pullMerge(openRepo(session), {
    head: head.oid,
    theirs: tip,
    branch: o.branch,
    uri: session.remote.uri,
    currentBranch: head.branch,
    author: identLine(session.identities.author, when),
    committer,
  });
  return merged.oid;
}

async function subjectOf(session: PutSession, oid: string): Promise<string> {
  const message = (await openRepo(session).readCommit(oid)).message;
  return message.split("\n\n")[0]!.replace(/\n/g, " ").trim();
}

/**
 * `git push` of a set of refs in one receive-pack request: decide each ref
 * (push-plan.ts), send the objects the remote lacks (push-objects.ts) with the
 * commands for the refs that may move, and print git's report. Like git, one
 * rejected ref does not hold the others back; the caller decides what a
 * failure means.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { Logger } from "../../src/protocol/types.ts";
import type { Remote } from "./transport/index.ts";
import type { GitRepo } from "./repo.ts";
import { advertisement } from "./push-advert.ts";
import { objectsToSend } from "./push-objects.ts";
import { decide, type RefDecision, type RefUpdate } from "./push-plan.ts";
import { reportLines, succeeded, type RefOutcome } from "./push-report.ts";
import { readShallow } from "./push-revwalk.ts";
import { sendPack } from "./push-wire.ts";

/**
 * A ref that moved under the push. Older receive-packs put "cannot lock ref"
 * in the rejection itself (what upstream greps for); newer ones reject with
 * "failed to update ref" and say why on the progress band; the local
 * transport says "failed to lock" or "stale info".
 */
const LOCK_RACE = /cannot lock ref|failed to lock|stale info/;

export interface PushResult {
  outcomes: RefOutcome[];
  ok: boolean;
  /** a rejection that fetching and integrating the remote's work could cure (upstream's retry test) */
  retryable: boolean;
}

export interface PushOptions {
  pushOptions?: readonly string[];
  logger: Logger;
}

export async function pushRefs(repo: GitRepo, remote: Remote, updates: readonly RefUpdate[], options: PushOptions): Promise<PushResult> {
  const adv = await advertisement(remote, true);
  const shallow = await readShallow(repo.gitdir);
  const seen = new Set<string>();
  const remoteMessages: string[] = [];
  const outcomes: RefOutcome[] = [];
  const sending: Array<{ update: RefUpdate; decision: RefDecision & { kind: "send" } }> = [];
  for (const update of updates) {
    if (seen.has(update.dst)) continue;
    seen.add(update.dst);
    const decision = await decide(repo, update, adv.refs.get(update.dst), shallow);
    if (decision.kind === "send") sending.push({ update, decision });
    else outcomes.push({ update, decision });
  }
  if (sending.length > 0) {
    const oids = await objectsToSend(repo, sending.map((s) => s.update.oid), [...adv.refs.values()], shallow);
    const { packfile } = await git.packObjects({ fs, gitdir: repo.gitdir, oids, cache: repo.cache });
    if (!packfile) throw new JetwayError("INTERNAL", "internal error: no pack was built for the push");
    const report = await sendPack(
      remote,
      adv.capabilities,
      sending.map((s) => ({ old: s.decision.old, new: s.update.oid, ref: s.update.dst })),
      packfile,
      options.pushOptions ?? [],
      (l) => {
        remoteMessages.push(l);
        options.logger.log(l);
      },
    );
    if (report.unpack !== "ok") options.logger.log(`error: remote unpack failed: ${report.unpack}`);
    for (const s of sending) {
      const reason = report.refs.has(s.update.dst) ? report.refs.get(s.update.dst) : "no status reported";
      outcomes.push({ ...s, remote: reason === undefined ? { ok: true } : { ok: false, reason } });
    }
  }
  for (const l of reportLines(remote.uri, outcomes)) options.logger.log(l);
  return {
    outcomes,
    ok: outcomes.every(succeeded),
    retryable: outcomes.some(
      (o) =>
        (o.decision.kind === "rejected" && o.decision.reason !== "already exists") ||
        ("remote" in o && !o.remote.ok && LOCK_RACE.test([o.remote.reason, ...remoteMessages].join("\n"))),
    ),
  };
}

export function pushFailed(uri: string): JetwayError {
  return new JetwayError("OPERATION_FAILED", `error: failed to push some refs to '${uri}'`);
}

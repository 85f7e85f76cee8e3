/**
 * `out` (put): concourse/git-resource's assets/out without a git binary.
 *
 * In upstream's order: the tag and annotation files are checked under the
 * source dir, the repository's HEAD is pushed to <refs_prefix>/<branch> of
 * the source's URI with all tags (or the tags alone with only_tag), then a
 * note is added and pushed. With rebase or merge, each attempt first fetches
 * the branch (and the remote's notes) and integrates it, then pushes; a push
 * rejected because the remote moved starts another attempt, as upstream's
 * loop does, but a bounded number of times (push-loop.ts). Without them a rejected push
 * fails and the remote keeps what it had.
 *
 * Deliberate differences from upstream, each a case where upstream fails
 * for reasons unrelated to the request:
 * - `git remote add push-target` fails on a second put from the same copy;
 *   here the remote is (re)written and the put goes ahead;
 * - with rebase or merge, a branch the remote does not have yet is pushed
 *   as is (upstream's `git pull` stops with "couldn't find remote ref");
 * - merge merges even where newer git wants pull.rebase/pull.ff configured;
 * - a missing notes file is reported before anything is pushed;
 * - a tag that already exists on the remote is not retried forever.
 * The work tree and index are left alone: only refs and objects change, and
 * the metadata reads HEAD.
 */
import fs from "node:fs";
import { isAbsolute } from "node:path";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { DirectoryContext, InOutResponse } from "../../src/protocol/types.ts";
import type { GitOutRequest } from "./decode.ts";
import { gitMetadata } from "./metadata.ts";
import { ensurePushTarget } from "./push-fetch.ts";
import { readHead, type Head } from "./push-head.ts";
import { resolveIdentities } from "./push-identity.ts";
import { openRepository, readTagInputs } from "./push-inputs.ts";
import { integrateAndPush } from "./push-loop.ts";
import { pushFailed } from "./push-refs.ts";
import { addAndPushNotes, openRepo, pushHeadAndTags, pushTags, tagIfAsked, type PutSession } from "./push-steps.ts";
import { strategyOptions } from "./rebase-strategy.ts";
import { remoteOptions } from "./remote-options.ts";
import { validRefName } from "./transport/ref-update.ts";
import { openRemote, parseRemote } from "./transport/index.ts";

export type PutVersion = { ref: string } | { branch: string; ref: string };

export async function put(request: GitOutRequest, ctx: DirectoryContext): Promise<InOutResponse<PutVersion>> {
  const cfg = request.config;
  const mergeOptions = cfg.rebase ? strategyOptions(cfg.rebaseStrategy, cfg.rebaseStrategyOptions) : {};

  const { tagName, annotation } = await readTagInputs(ctx.dir, cfg);
  if (cfg.overrideBranch !== "") ctx.logger.log(`Override ${jqText(request.source.branch)} with ${cfg.overrideBranch}`);
  const { workdir, gitdir, note } = await openRepository(ctx.dir, cfg);
  const target = `${cfg.refsPrefix}/${cfg.branch}`;
  if (!cfg.onlyTag && !validRefName(target)) {
    throw new JetwayError("OPERATION_FAILED", `fatal: invalid refspec 'HEAD:${target}'`, { exitCode: 128 });
  }

  const remote = await openRemote(againstRepository(cfg.uri, workdir), remoteOptions(request.source, ctx));
  try {
    await ensurePushTarget(gitdir, remote.uri);
    let head: Head = await readHead(gitdir);
    const commitToPush = head.oid;
    const session: PutSession = {
      gitdir,
      remote,
      logger: ctx.logger,
      clock: ctx.clock,
      identities: await resolveIdentities(gitdir, cfg.gitConfig),
      force: cfg.force,
      pushOptions: cfg.pushOptions,
      target,
      tag: tagName === "" ? "" : `${cfg.tagPrefix}${tagName}`,
      annotation,
      note,
    };

    if (cfg.onlyTag) {
      await tagIfAsked(session, head.oid);
      if (!(await pushTags(session)).ok) throw pushFailed(remote.uri);
    } else if (cfg.merge || cfg.rebase) {
      head = await integrateAndPush(session, head, { mode: cfg.merge ? "merge" : "rebase", branch: cfg.branch, commitToPush, mergeOptions });
    } else {
      await tagIfAsked(session, head.oid);
      if (!(await pushHeadAndTags(session, head.oid)).ok) throw pushFailed(remote.uri);
      const notes = await addAndPushNotes(session, head.oid);
      if (notes && !notes.ok) throw pushFailed(remote.uri);
    }

    const ref = cfg.merge && cfg.returning === "unmerged" ? commitToPush : head.oid;
    const origin: unknown = await git.getConfig({ fs, gitdir, path: "remote.origin.url" }).catch(() => undefined);
    const metadata = await gitMetadata(openRepo(session), head.oid, typeof origin === "string" ? origin : undefined);
    const version: PutVersion = cfg.overrideBranch !== "" ? { branch: cfg.overrideBranch, ref } : { ref };
    return { version, metadata };
  } finally {
    await remote.close();
  }
}

/** What `jq -r '.x // ""'` prints: nothing for null and false, other scalars as their JSON text. */
function jqText(v: unknown): string {
  if (v === undefined || v === null || v === false) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** git runs inside the repository, so a relative local path names a place next to it, not next to this process. */
function againstRepository(uri: string, workdir: string): string {
  const parsed = parseRemote(uri, workdir);
  return parsed.kind === "local" && !isAbsolute(uri) && !/^file:/i.test(uri) ? parsed.path : uri;
}


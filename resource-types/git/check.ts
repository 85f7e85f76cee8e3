/**
 * check: the versions of a branch (or of its tags) since the cursor, computed
 * on a persistent object cache per URI (reference §1 check). An unchanged
 * remote costs one ref listing; the fast path answers from that listing alone.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import type { CheckResponse, OperationContext } from "../../src/protocol/types.ts";
import { listRemote, withCachedRepo, type AdvertisedRef } from "./cache.ts";
import type { GitCheckRequest } from "./decode.ts";
import { allTips, checkVersions, type CheckVersion } from "./history.ts";
import { remoteOptions } from "./remote-options.ts";
import { GitRepo } from "./repo.ts";
import { openRemote } from "./transport/index.ts";

export async function check(request: GitCheckRequest, ctx: OperationContext): Promise<CheckResponse> {
  const { config } = request;
  const remote = await openRemote(config.uri, remoteOptions(request.source, ctx));
  try {
    if (config.fastPath) {
      const commit = lsRemoteFirst(await listRemote(remote), config.branch || "HEAD");
      if (commit === undefined) throw new JetwayError("OPERATION_FAILED", "No commit returned. Invalid branch?");
      if (config.cursor === "" || config.cursor === commit) return [{ ref: commit }];
    }
    if (config.deferredError) throw config.deferredError;
    return await withCachedRepo(config.uri, remote, { signal: ctx.signal }, async (cached) => {
      const repo = new GitRepo(cached.gitdir);
      const tagMode = config.tagFilter !== "" || config.tagRegex !== "";
      // upstream's cache holds only the tracked branch (every branch and tag in tag
      // mode); ours mirrors them all, so `rev-list --all` is given that branch alone
      const tips = tagMode ? await allTips(repo) : [branchTip(cached.refs, config.branch)];
      const versions: CheckVersion[] = await checkVersions(repo, config, { tips, log: (line) => ctx.logger.log(line) });
      return versions;
    });
  } finally {
    await remote.close();
  }
}

/**
 * `git ls-remote URI PATTERN | head -1`: a ref matches when it is the pattern
 * or ends in `/PATTERN`; refs come in the server's order (HEAD first).
 */
export function lsRemoteFirst(refs: readonly AdvertisedRef[], pattern: string): string | undefined {
  return refs.find((r) => r.ref === pattern || r.ref.endsWith(`/${pattern}`))?.oid;
}

/** The commit the tracked branch points at: source.branch, or the remote HEAD's target. */
function branchTip(refs: readonly AdvertisedRef[], branch: string): string {
  const head = refs.find((r) => r.ref === "HEAD");
  const name = branch !== "" ? `refs/heads/${branch}` : head?.target;
  const tip = refs.find((r) => r.ref === name)?.oid ?? (branch === "" ? head?.oid : undefined);
  if (tip === undefined) {
    // git clone --single-branch --branch X fails this way upstream
    throw new JetwayError("OPERATION_FAILED", `fatal: Remote branch ${branch} not found in upstream origin`, { exitCode: 128 });
  }
  return tip;
}

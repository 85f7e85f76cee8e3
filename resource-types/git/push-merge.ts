/**
 * `git pull --no-edit push-target <branch>` as a merge, once the branch is
 * fetched: up to date when HEAD has the fetched tip, a fast-forward when
 * HEAD is behind it, else a merge commit with git's default message
 * ("Merge branch '<b>' of <url>", plus " into <current>" unless the current
 * branch is master, merge.suppressDest's default). The merge base is the
 * first one git would find; unrelated histories are refused as git refuses
 * them. Author and committer are the configured identity, now.
 *
 * Newer git stops such a pull with "Need to specify how to reconcile
 * divergent branches" unless pull.rebase or pull.ff is configured; this
 * merges, which is what upstream's `merge: true` asks for.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import { merge3 } from "./merge3.ts";
import { writeCommit } from "./push-commit.ts";
import { isAncestor, readShallow } from "./push-revwalk.ts";
import { conflictLines } from "./rebase.ts";
import type { GitRepo } from "./repo.ts";

export interface PullMergeRequest {
  head: string;
  theirs: string;
  /** the branch as named to git pull */
  branch: string;
  /** the remote's URI, credentials removed */
  uri: string;
  /** refs/heads/<name> when HEAD is on a branch */
  currentBranch?: string | undefined;
  author: string;
  committer: string;
}

export interface PullMergeResult {
  oid: string;
  how: "up-to-date" | "fast-forward" | "merged";
}

export async function pullMerge(repo: GitRepo, request: PullMergeRequest): Promise<PullMergeResult> {
  const { head, theirs } = request;
  const shallow = await readShallow(repo.gitdir);
  if (await isAncestor(repo, theirs, head, shallow)) return { oid: head, how: "up-to-date" };
  if (await isAncestor(repo, head, theirs, shallow)) return { oid: theirs, how: "fast-forward" };
  const bases: string[] = await git.findMergeBase({ fs, gitdir: repo.gitdir, oids: [head, theirs], cache: repo.cache });
  if (bases.length === 0) throw new JetwayError("OPERATION_FAILED", "fatal: refusing to merge unrelated histories", { exitCode: 128 });
  const [baseTree, oursTree, theirsTree] = await Promise.all([bases[0]!, head, theirs].map(async (c) => (await repo.readCommit(c)).tree));
  const merged = await merge3(repo, { base: baseTree!, ours: oursTree!, theirs: theirsTree! });
  if (!merged.clean) {
    const lines = merged.conflicts.flatMap((c) => conflictLines(c, "HEAD", theirs));
    const last = "Automatic merge failed; fix conflicts and then commit the result.";
    throw new JetwayError("OPERATION_FAILED", last, { stderr: [...lines, last].join("\n") + "\n" });
  }
  const oid = await writeCommit(repo.gitdir, {
    tree: merged.tree,
    parents: [head, theirs],
    author: request.author,
    committer: request.committer,
    message: mergeMessage(request.branch, request.uri, request.currentBranch),
  });
  return { oid, how: "merged" };
}

export function mergeMessage(branch: string, uri: string, currentBranch: string | undefined): string {
  const current = currentBranch?.replace(/^refs\/heads\//, "") ?? "HEAD";
  return `Merge branch '${branch}' of ${fetchHeadUrl(uri)}${current === "master" ? "" : ` into ${current}`}\n`;
}

/** git fetch records a remote without trailing slashes and without one ".git". */
export function fetchHeadUrl(uri: string): string {
  const trimmed = uri.replace(/\/+$/, "");
  return trimmed.length > 4 && trimmed.endsWith(".git") ? trimmed.slice(0, -4) : trimmed;
}

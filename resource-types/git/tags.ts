/**
 * `git tag --sort=creatordate [--contains <ref>] [--merged <branch>]` with a
 * glob (`--list`) or an extended regex (`| grep -Ex`). creatordate is the
 * tagger's date for an annotated tag, the commit's date for a lightweight
 * one; ties go by refname. --contains/--merged drop tags that do not peel to
 * a commit.
 */
import { compilePosix } from "./posix-regex.ts";
import type { GitRepo } from "./repo.ts";
import { wildmatch } from "./wildmatch.ts";

export interface TagInfo {
  /** the short name, as `git tag` prints it */
  name: string;
  /** the commit the tag peels to, if it does */
  commit?: string;
  creatordate: number;
}

export async function listTags(repo: GitRepo): Promise<TagInfo[]> {
  const out: TagInfo[] = [];
  for (const ref of await repo.listRefs("refs/tags")) {
    const type = await repo.objectType(ref.oid);
    let creatordate = 0;
    if (type === "tag") creatordate = (await repo.readTag(ref.oid)).tagger?.timestamp ?? 0;
    else if (type === "commit") creatordate = (await repo.readCommit(ref.oid)).committer.timestamp;
    const commit = await repo.peelToCommit(ref.oid);
    out.push({ name: ref.name.slice("refs/tags/".length), creatordate, ...(commit && { commit }) });
  }
  return out.sort((a, b) => a.creatordate - b.creatordate || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

/** Which tag names a tag_filter glob or a tag_regex selects (a regex must match the whole name). */
export function tagMatcher(filter: { glob?: string; regex?: string }): (name: string) => boolean {
  if (filter.glob) {
    const glob = filter.glob;
    return (name) => wildmatch(glob, name);
  }
  if (filter.regex) {
    const whole = new RegExp(`^(?:${compilePosix(filter.regex, true).source})$`);
    return (name) => whole.test(name);
  }
  return () => true;
}

/** Commits reachable from `from` (itself included), following every parent. */
export async function ancestry(repo: GitRepo, from: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length > 0) {
    const oid = stack.pop()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    stack.push(...(await repo.readCommit(oid)).parents);
  }
  return seen;
}

/** Answers "does this commit have `target` among its ancestors (or is it)?" with one shared memo. */
export function containsChecker(repo: GitRepo, target: string): (commit: string) => Promise<boolean> {
  const memo = new Map<string, boolean>([[target, true]]);
  return async (start) => {
    // iterative post-order: a commit's answer is known once all its parents' are
    const stack: string[] = [start];
    while (stack.length > 0) {
      const oid = stack[stack.length - 1]!;
      if (memo.has(oid)) {
        stack.pop();
        continue;
      }
      const parents = (await repo.readCommit(oid)).parents;
      const unknown = parents.filter((p) => !memo.has(p));
      if (unknown.length > 0) {
        stack.push(...unknown);
        continue;
      }
      memo.set(oid, parents.some((p) => memo.get(p)));
      stack.pop();
    }
    return memo.get(start)!;
  };
}

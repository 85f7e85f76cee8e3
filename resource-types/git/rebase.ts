/**
 * `git pull --rebase` after the fetch: the commits HEAD has and the fetched
 * tip lacks, taken first-parent from HEAD, oldest first, are replayed onto
 * the tip with a three-way merge each (base: the commit's first parent).
 * Each replayed commit keeps its author and message (re-encoded to UTF-8, as
 * git does by default); the committer
 * becomes the configured identity at the current time, as git rebase does.
 * A commit that becomes empty is dropped; one that was empty is kept. A merge
 * commit is replayed against its first parent and keeps its other parents.
 * HEAD already containing the tip is left as it is; HEAD behind the tip
 * fast-forwards to it.
 */
import git from "isomorphic-git";
import fs from "node:fs";
import { JetwayError } from "../../src/protocol/errors.ts";
import { EMPTY_TREE, merge3, type Merge3Conflict } from "./merge3.ts";
import type { LineMergeOptions } from "./merge3-lines.ts";
import { splitRaw, writeCommit } from "./push-commit.ts";
import { commitsBetween, isAncestor, readShallow } from "./push-revwalk.ts";
import type { GitRepo } from "./repo.ts";
import type { CommitObject } from "./objects.ts";

export interface RebaseRequest {
  head: string;
  onto: string;
  /** the ident value replayed commits get as committer */
  committer: string;
  merge?: LineMergeOptions;
}

export interface RebaseResult {
  oid: string;
  /** how the new HEAD came about */
  how: "up-to-date" | "fast-forward" | "replayed";
  replayed: number;
}

export async function rebase(repo: GitRepo, request: RebaseRequest): Promise<RebaseResult> {
  const { head, onto } = request;
  const shallow = await readShallow(repo.gitdir);
  if (await isAncestor(repo, onto, head, shallow)) return { oid: head, how: "up-to-date", replayed: 0 };
  if (await isAncestor(repo, head, onto, shallow)) return { oid: onto, how: "fast-forward", replayed: 0 };

  const localOnly = new Set(await commitsBetween(repo, [head], [onto], shallow));
  const chain: string[] = [];
  for (let c: string | undefined = head; c !== undefined && localOnly.has(c); ) {
    chain.push(c);
    c = shallow.has(c) ? undefined : (await repo.readCommit(c)).parents[0];
  }
  chain.reverse();

  let current = onto;
  let replayed = 0;
  for (const oid of chain) {
    const commit = await repo.readCommit(oid);
    const parentTree = commit.parents[0] !== undefined ? (await repo.readCommit(commit.parents[0])).tree : EMPTY_TREE;
    const currentTree = (await repo.readCommit(current)).tree;
    const startedEmpty = commit.parents.length <= 1 && commit.tree === parentTree;
    const merged = startedEmpty
      ? { clean: true as const, tree: currentTree }
      : await merge3(repo, { base: parentTree, ours: currentTree, theirs: commit.tree }, request.merge);
    if (!merged.clean) throw conflictError(merged.conflicts, oid, commit);
    if (!startedEmpty && commit.parents.length <= 1 && merged.tree === currentTree) continue;
    current = await writeCommit(repo.gitdir, {
      tree: merged.tree,
      parents: [current, ...commit.parents.slice(1)],
      author: identValue(commit.author),
      committer: request.committer,
      message: await utf8Message(repo, oid),
    });
    replayed++;
  }
  return { oid: current, how: "replayed", replayed };
}

function identValue(i: CommitObject["author"]): string {
  return `${i.name} <${i.email}> ${i.timestamp} ${i.tz}`;
}

/**
 * The message as git rebase rewrites it: re-encoded from the commit's
 * `encoding` into UTF-8 (the default i18n.commitEncoding), so the header goes;
 * signatures no longer match a rewritten commit and go too. Bytes of a
 * message without an encoding header pass through untouched.
 */
async function utf8Message(repo: GitRepo, oid: string): Promise<Uint8Array> {
  const { object } = await git.readObject({ fs, gitdir: repo.gitdir, oid, format: "content", cache: repo.cache });
  const { headers, message } = splitRaw(object as Uint8Array);
  const encoding = headers.find(([k]) => k === "encoding")?.[1].trim();
  if (encoding === undefined || /^utf-?8$/i.test(encoding)) return message;
  try {
    return Buffer.from(new TextDecoder(encoding).decode(message), "utf8");
  } catch {
    return message;
  }
}

function subject(message: string): string {
  return message.split("\n\n")[0]!.replace(/\n/g, " ").trim();
}

/** git's words for a replay that stopped, ending in the line `git rebase` fails with. */
function conflictError(conflicts: Merge3Conflict[], oid: string, commit: CommitObject): JetwayError {
  const label = `${oid.slice(0, 7)} (${subject(commit.message)})`;
  const lines = conflicts.flatMap((c) => conflictLines(c, "HEAD", label));
  const last = `error: could not apply ${oid.slice(0, 7)}... ${subject(commit.message)}`;
  return new JetwayError("OPERATION_FAILED", last, { stderr: [...lines, last].join("\n") + "\n" });
}

export function conflictLines(c: Merge3Conflict, ours: string, theirs: string): string[] {
  switch (c.kind) {
    case "content":
    case "add/add":
      return [`Auto-merging ${c.path}`, `CONFLICT (${c.kind}): Merge conflict in ${c.path}`];
    case "binary":
      return [`warning: Cannot merge binary files: ${c.path} (${ours} vs. ${theirs})`, `CONFLICT (content): Merge conflict in ${c.path}`];
    case "modify/delete": {
      const [deleted, modified] = c.deletedBy === "ours" ? [ours, theirs] : [theirs, ours];
      return [`CONFLICT (modify/delete): ${c.path} deleted in ${deleted} and modified in ${modified}.  Version ${modified} of ${c.path} left in tree.`];
    }
    case "file/directory":
      return [`CONFLICT (file/directory): ${c.path} is a file on one side and a directory on the other`];
  }
}

/**
 * Does a commit change anything a pathspec selects? That is git's TREESAME
 * test for `rev-list -- <pathspec>`: compare the commit's tree with its first
 * parent's (the empty tree for a root), a mode change counting as a change.
 * Identical subtrees are skipped by id, directories no positive item can
 * reach are not read, and both trees are walked together in git's order (a
 * directory sorts as if its name ended in "/").
 */
import type { Pathspec } from "./pathspec.ts";
import type { GitRepo, TreeEntry } from "./repo.ts";

export async function treeChangesMatch(repo: GitRepo, before: string | null, after: string | null, pathspec: Pathspec): Promise<boolean> {
  return walk(repo, before, after, "", pathspec);
}

const sortKey = (e: TreeEntry) => (e.type === "tree" ? e.path + "/" : e.path);

/** git compares names as bytes; UTF-16 order differs only beyond the BMP */
function compare(a: TreeEntry, b: TreeEntry): number {
  const x = sortKey(a);
  const y = sortKey(b);
  if (/[^\x00-\x7f]/.test(x + y)) return Buffer.compare(Buffer.from(x), Buffer.from(y));
  return x < y ? -1 : x > y ? 1 : 0;
}

async function walk(repo: GitRepo, before: string | null, after: string | null, base: string, pathspec: Pathspec): Promise<boolean> {
  if (before === after) return false;
  const left = before ? await repo.readTree(before) : [];
  const right = after ? await repo.readTree(after) : [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const a = left[i];
    const b = right[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : compare(a, b);
    if (order === 0) {
      i++;
      j++;
      if (a!.oid === b!.oid && a!.mode === b!.mode) continue;
      if (await changed(repo, a, b, base, pathspec)) return true;
    } else if (order < 0) {
      i++;
      if (await changed(repo, a, undefined, base, pathspec)) return true;
    } else {
      j++;
      if (await changed(repo, undefined, b, base, pathspec)) return true;
    }
  }
  return false;
}

/** One differing name: a non-tree side is a change at that path, a tree side is walked if the pathspec reaches into it. */
async function changed(repo: GitRepo, a: TreeEntry | undefined, b: TreeEntry | undefined, base: string, pathspec: Pathspec): Promise<boolean> {
  const full = base + (a ?? b)!.path;
  const aTree = a?.type === "tree";
  const bTree = b?.type === "tree";
  if (((a && !aTree) || (b && !bTree)) && pathspec.matches(full)) return true;
  if ((aTree || bTree) && pathspec.mayMatchBelow(full)) {
    return walk(repo, aTree ? a!.oid : null, bTree ? b!.oid : null, full + "/", pathspec);
  }
  return false;
}

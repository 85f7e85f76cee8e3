/**
 * Does a tree put files through Git LFS? Upstream's image smudges them with
 * git-lfs unless params.disable_git_lfs; jetway cannot fetch LFS objects, so
 * `in` must refuse (unsupportedLfs) rather than hand back pointer files as if
 * they were the content. A `.gitattributes` anywhere naming `filter=lfs` is
 * the sign, as it is for git.
 */
import type { GitRepo } from "./repo.ts";

const LFS_FILTER = /(^|\s)filter=lfs(\s|$)/m;

export async function treeUsesLfs(repo: GitRepo, tree: string): Promise<boolean> {
  for (const entry of await repo.readTree(tree)) {
    if (entry.type === "tree") {
      if (await treeUsesLfs(repo, entry.oid)) return true;
    } else if (entry.type === "blob" && entry.path === ".gitattributes") {
      const raw = await repo.readRaw(entry.oid);
      if (raw && LFS_FILTER.test(raw.content.toString("utf8"))) return true;
    }
  }
  return false;
}

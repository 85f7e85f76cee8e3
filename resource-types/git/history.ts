/**
 * The versions `check` emits, computed from a local repository the way
 * upstream's assets/check computes them with git (reference §1 check):
 *
 *   git rev-list --all --first-parent [<cursor>~1..HEAD] [-- <paths> :!<ignored>]
 *     | [--grep include] | [--invert-grep exclude] | [--invert-grep ci skip]
 *     | no cursor: newest version_depth, oldest first; cursor: all, oldest first
 *
 * A cursor that is not in the repository counts as no cursor; a parentless
 * cursor that is one of HEAD's roots lists from the root. In tag mode the tags
 * (sorted by creatordate) are kept when their commit is in that list, or with
 * match_tag_ancestors the listed commits an allowed tag contains are emitted;
 * either way the last version_depth.
 *
 * Where upstream's pipeline would die half-way (a pattern git cannot compile,
 * `<root>~1`), its later stages read nothing and it prints `[]`: so do we,
 * after logging what git would have said.
 */
import type { CheckConfig } from "./check-config.ts";
import { CI_SKIP_PATTERNS, compileFilter, GrepPatternError, keeps, type MessageFilter } from "./commit-grep.ts";
import { Pathspec, PathspecError } from "./pathspec.ts";
import { PosixRegexError } from "./posix-regex.ts";
import type { GitRepo } from "./repo.ts";
import { revList } from "./revwalk.ts";
import { evalDoubleQuoted } from "./shell.ts";
import { ancestry, containsChecker, listTags, tagMatcher, type TagInfo } from "./tags.ts";

export type HistoryOptions = Pick<
  CheckConfig,
  "branch" | "pathspec" | "tagFilter" | "tagRegex" | "tagBehaviour" | "disableCiSkip" | "include" | "exclude" | "versionDepth" | "cursor"
>;

export interface HistoryContext {
  /**
   * The commits `rev-list --all` starts from. Default: every ref under refs/
   * (by name) then HEAD, which is right when the repository holds the refs
   * upstream's cache holds: the tracked branch, or in tag mode every branch
   * and tag.
   */
  tips?: readonly string[];
  /** receives the stderr lines a failing git command would print upstream */
  log?: (line: string) => void;
}

export type CheckVersion = { ref: string } | { ref: string; commit: string };

/** Thrown inside to end the pipeline the way upstream's dies: `[]`. */
class EmptyPipeline extends Error {}

export async function checkVersions(repo: GitRepo, options: HistoryOptions, ctx: HistoryContext = {}): Promise<CheckVersion[]> {
  const log = ctx.log ?? (() => undefined);
  try {
    return await versions(repo, options, ctx.tips ?? (await allTips(repo)), log);
  } catch (e) {
    if (e instanceof EmptyPipeline) return [];
    if (e instanceof GrepPatternError) log(e.message);
    else if (e instanceof PathspecError || e instanceof PosixRegexError) log(`fatal: ${e.message}`);
    else throw e;
    return [];
  }
}

/** What `--all` adds: every ref that peels to a commit, by refname, then HEAD. */
export async function allTips(repo: GitRepo): Promise<string[]> {
  const tips: string[] = [];
  for (const ref of await repo.listRefs("refs")) {
    const commit = await repo.peelToCommit(ref.oid);
    if (commit) tips.push(commit);
  }
  const head = await repo.resolveRef("HEAD");
  const headCommit = head && (await repo.peelToCommit(head));
  if (headCommit) tips.push(headCommit);
  return tips;
}

async function versions(repo: GitRepo, o: HistoryOptions, tips: readonly string[], log: (line: string) => void): Promise<CheckVersion[]> {
  const tagMode = o.tagFilter !== "" || o.tagRegex !== "";
  const cursor = await resolveCursor(repo, o.cursor, log);
  const filters: MessageFilter[] = [];
  if (o.include.patterns.length > 0) filters.push(compileFilter(o.include.patterns, o.include.allMatch, false));
  if (o.exclude.patterns.length > 0) filters.push(compileFilter(o.exclude.patterns, o.exclude.allMatch, true));
  if (!o.disableCiSkip) filters.push(compileFilter(CI_SKIP_PATTERNS, false, true));

  const walk = revList(repo, {
    tips,
    exclude: cursor?.exclude ?? [],
    // `rev-list --` with no paths after it prunes nothing
    pathspec: o.pathspec === null || o.pathspec.length === 0 ? null : new Pathspec(o.pathspec),
  });
  async function* listed(): AsyncGenerator<string> {
    for await (const oid of walk) {
      if (filters.length === 0) {
        yield oid;
        continue;
      }
      const message = (await repo.readCommit(oid)).message;
      if (filters.every((f) => keeps(f, message))) yield oid;
    }
  }

  if (!tagMode) {
    const refs: string[] = [];
    for await (const oid of listed()) {
      refs.push(oid);
      if (!cursor && refs.length >= o.versionDepth) break;
    }
    return refs.reverse().map((ref) => ({ ref }));
  }

  const tags = await selectTags(repo, o, cursor, log);
  if (tags.length === 0) return [];
  const list: string[] = [];
  for await (const oid of listed()) list.push(oid);

  let out: CheckVersion[];
  if (o.tagBehaviour === "match_tagged") {
    const inList = new Set(list);
    out = tags.filter((t) => t.commit !== undefined && inList.has(t.commit)).map((t) => ({ ref: t.name, commit: t.commit! }));
  } else {
    const allowed = await ancestry(repo, tags.flatMap((t) => (t.commit ? [t.commit] : [])));
    out = list
      .reverse()
      .filter((c) => allowed.has(c))
      .map((ref) => ({ ref }));
  }
  return out.slice(Math.max(0, out.length - o.versionDepth));
}

interface Cursor {
  /** the name as given (tag mode compares it with tag names) */
  name: string;
  commit: string;
  exclude: string[];
}

/**
 * `git cat-file -e "$ref"` decides whether there is a cursor at all; then
 * `$ref~1` (or, for one of HEAD's root commits given by full id, nothing)
 * bounds the range. A cursor git cannot take `~1` of empties the pipeline.
 */
async function resolveCursor(repo: GitRepo, name: string, log: (line: string) => void): Promise<Cursor | undefined> {
  if (name === "") return undefined;
  const oid = await repo.revParse(name);
  if (!oid) return undefined;
  const commit = await repo.peelToCommit(oid);
  const fail = (): never => {
    log(`fatal: ambiguous argument '${name}~1..HEAD': unknown revision or path not in the working tree.`);
    throw new EmptyPipeline();
  };
  if (!commit) return fail();
  const parents = (await repo.readCommit(commit)).parents;
  if (parents.length > 0) return { name, commit, exclude: [parents[0]!] };
  const head = await repo.resolveRef("HEAD");
  const headCommit = head && (await repo.peelToCommit(head));
  const roots = headCommit ? await rootsOf(repo, headCommit) : new Set<string>();
  return roots.has(name) ? { name, commit, exclude: [] } : fail();
}

async function rootsOf(repo: GitRepo, head: string): Promise<Set<string>> {
  const roots = new Set<string>();
  for (const oid of await ancestry(repo, [head])) if ((await repo.readCommit(oid)).parents.length === 0) roots.add(oid);
  return roots;
}

/**
 * The tag list of upstream's three cases: cursor and branch use
 * `--contains <cursor> --merged <branch>`; a cursor alone keeps the sorted
 * list from the first name containing the cursor's text (a sed address);
 * otherwise `--merged <branch>` when a branch is set.
 */
async function selectTags(repo: GitRepo, o: HistoryOptions, cursor: Cursor | undefined, log: (line: string) => void): Promise<TagInfo[]> {
  let match: (name: string) => boolean;
  try {
    match = tagMatcher(o.tagFilter !== "" ? { glob: evalDoubleQuoted(o.tagFilter) } : { regex: evalDoubleQuoted(o.tagRegex) });
  } catch (e) {
    if (!(e instanceof PosixRegexError)) throw e;
    log(`grep: ${e.message}`);
    return [];
  }
  let tags = (await listTags(repo)).filter((t) => match(t.name));

  if (cursor && o.branch === "") {
    const from = tags.findIndex((t) => t.name.includes(cursor.name));
    return from < 0 ? [] : tags.slice(from);
  }
  if (o.branch !== "") {
    const branchOid = await repo.revParse(o.branch);
    const branchCommit = branchOid && (await repo.peelToCommit(branchOid));
    if (!branchCommit) {
      log(`error: malformed object name ${o.branch}`);
      return [];
    }
    const merged = await ancestry(repo, [branchCommit]);
    tags = tags.filter((t) => t.commit !== undefined && merged.has(t.commit));
    if (cursor) {
      const contains = containsChecker(repo, cursor.commit);
      const kept: TagInfo[] = [];
      for (const t of tags) if (await contains(t.commit!)) kept.push(t);
      tags = kept;
    }
  }
  return tags;
}

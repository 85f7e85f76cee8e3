import { afterAll, describe, expect, it } from "vitest";
import { checkVersions, type CheckVersion, type HistoryOptions } from "./history.ts";
import { GitRepo } from "./repo.ts";
import { oracleCheck } from "./testing/check-oracle.ts";
import { hasGit, TestRepo } from "./testing/git-cli.ts";

const made: TestRepo[] = [];
afterAll(() => made.forEach((r) => r.remove()));

function repo(): TestRepo {
  const r = TestRepo.init();
  made.push(r);
  r.commit({ message: "initial" });
  return r;
}

function cacheOf(r: TestRepo, options: { branch?: string; allBranches?: boolean } = {}): TestRepo {
  const c = r.bareClone(options);
  made.push(c);
  return c;
}

function opts(o: Partial<HistoryOptions> = {}): HistoryOptions {
  return {
    branch: "",
    pathspec: null,
    tagFilter: "",
    tagRegex: "",
    tagBehaviour: "match_tagged",
    disableCiSkip: false,
    include: { patterns: [], allMatch: false },
    exclude: { patterns: [], allMatch: false },
    versionDepth: 1,
    cursor: "",
    ...o,
  };
}

/** Our answer, checked against the git CLI running upstream's pipeline on the same cache. */
async function check(cache: TestRepo, o: Partial<HistoryOptions> = {}): Promise<CheckVersion[]> {
  const options = opts(o);
  const ours = await checkVersions(new GitRepo(cache.gitdir), options);
  expect(ours, "jetway and the git CLI disagree").toEqual(oracleCheck(cache, options));
  return ours;
}

const refs = (...shas: string[]) => shas.map((ref) => ({ ref }));

describe.skipIf(!hasGit)("check history (branch mode)", () => {
  it("gives the latest commit without a cursor", async () => {
    const r = repo();
    const ref = r.commit();
    expect(await check(cacheOf(r))).toEqual(refs(ref));
  });

  it("gives the cursor through HEAD, oldest first, cursor included", async () => {
    const r = repo();
    const [a, b, c] = [r.commit(), r.commit(), r.commit()];
    expect(await check(cacheOf(r), { cursor: a })).toEqual(refs(a, b, c));
  });

  it("shows a merged branch as its merge commit only", async () => {
    const r = repo();
    const [a, b] = [r.commit(), r.commit()];
    r.commitOnBranch("some-branch", { file: "some-branch-file" });
    const c = r.commit();
    expect(await check(cacheOf(r), { cursor: a })).toEqual(refs(a, b, c));
    const m = r.merge("some-branch");
    expect(await check(cacheOf(r), { cursor: a })).toEqual(refs(a, b, c, m));
  });

  it("shows a merge that brings in a matching path from its side branch", async () => {
    const r = repo();
    const a = r.commit({ file: "some-master-file" });
    r.commit();
    r.commitOnBranch("some-branch", { file: "some-branch-file" });
    const c = r.commit({ file: "some-master-file" });
    const paths = { pathspec: ["some-master-file", "some-branch-file"] };
    expect(await check(cacheOf(r), { cursor: a, ...paths })).toEqual(refs(a, c));
    const m = r.merge("some-branch");
    expect(await check(cacheOf(r), { cursor: a, ...paths })).toEqual(refs(a, c, m));
  });

  it("lists from the root when the cursor is the first commit", async () => {
    const r = TestRepo.init();
    made.push(r);
    const root = r.commit();
    const [a, b] = [r.commit(), r.commit()];
    expect(await check(cacheOf(r), { cursor: root })).toEqual(refs(root, a, b));
  });

  it("treats a cursor the repository lacks as no cursor", async () => {
    const r = repo();
    r.commit();
    const b = r.commit();
    expect(await check(cacheOf(r), { cursor: "bogus-ref" })).toEqual(refs(b));
    expect(await check(cacheOf(r), { cursor: "0123456789abcdef0123456789abcdef01234567" })).toEqual(refs(b));
  });

  it("handles a second root merged in (the cursor is a root of HEAD)", async () => {
    const r = TestRepo.init();
    made.push(r);
    const root = r.commit();
    const b = r.commit();
    r.git("checkout", "-q", "--orphan", "temp");
    r.commit({ allowEmpty: true, message: "second root" });
    const secondRoot = r.head();
    r.checkout("master");
    const m = r.merge("temp", "merge commit");
    expect(await check(cacheOf(r), { cursor: root })).toEqual(refs(root, b, m));
    // a root reached only through the merge's second parent: `root~1` has nothing, so upstream prints []
    expect(await check(cacheOf(r, { allBranches: true }), { cursor: secondRoot.slice(0, 12) })).toEqual([]);
  });

  it("skips ignored paths and keeps given paths, the cursor passing the same filters", async () => {
    const r = repo();
    const a = r.commit({ file: "file-a" });
    const b = r.commit({ file: "file-b" });
    const c = r.commit({ file: "file-c" });
    expect(await check(cacheOf(r), { pathspec: [":!file-c"] })).toEqual(refs(b));
    expect(await check(cacheOf(r), { cursor: a, pathspec: [".", ":!file-a"] })).toEqual(refs(b, c));
    expect(await check(cacheOf(r), { cursor: a, pathspec: [".", ":!file-c"] })).toEqual(refs(a, b));
    expect(await check(cacheOf(r), { pathspec: ["file-c"] })).toEqual(refs(c));
    expect(await check(cacheOf(r), { cursor: a, pathspec: ["file-c"] })).toEqual(refs(c));
    const d = r.commit({ file: "file-b" });
    expect(await check(cacheOf(r), { pathspec: ["file-c"] })).toEqual(refs(c));
    expect(await check(cacheOf(r), { cursor: a, pathspec: [".", ":!file-c"] })).toEqual(refs(a, b, d));
  });

  it("matches globs as git pathspecs: `*` crosses slashes, `**/` matches no directory only with :(glob)", async () => {
    const r = repo();
    r.commit({ file: "a/file" });
    const deep = r.commit({ file: "a/b/file" });
    const top = r.commit({ file: "file" });
    const other = r.commit({ file: "dummy/x/y.txt" });
    // without :(glob), "**" is two stars and needs a slash: "file" at the top does not match
    expect(await check(cacheOf(r), { pathspec: ["**/file"] })).toEqual(refs(deep));
    expect(await check(cacheOf(r), { pathspec: [":(glob)**/file"] })).toEqual(refs(top));
    expect(await check(cacheOf(r), { pathspec: ["a/*/file"] })).toEqual(refs(deep));
    expect(await check(cacheOf(r), { pathspec: ["dummy/*"] })).toEqual(refs(other));
    expect(await check(cacheOf(r), { pathspec: ["*.txt"], versionDepth: 3 })).toEqual(refs(other));
    expect(await check(cacheOf(r), { pathspec: [":(glob)a/*"], versionDepth: 5 })).toHaveLength(1);
    expect(await check(cacheOf(r), { pathspec: ["file-*", ":!file-b"], versionDepth: 9 })).toEqual([]);
  });

  it("with paths and ignore paths together", async () => {
    const r = repo();
    const a = r.commit({ file: "file-a" });
    r.commit({ file: "file-b" });
    r.commit({ file: "some-file" });
    expect(await check(cacheOf(r), { pathspec: ["file-*", ":!file-b"] })).toEqual(refs(a));
    expect(await check(cacheOf(r), { cursor: a, pathspec: ["file-*", ":!file-a"] })).toEqual(refs(r.git("rev-parse", "HEAD~1").trim()));
    const e = r.commit({ file: "file-a" });
    const f = r.commit({ file: "file-c" });
    r.commit({ file: "some-file" });
    expect(await check(cacheOf(r), { cursor: a, pathspec: ["file-*", ":!file-b"] })).toEqual(refs(a, e, f));
    expect(await check(cacheOf(r), { cursor: a, pathspec: ["file-*", ":!file-b", ":!file-c"] })).toEqual(refs(a, e));
  });

  it("tracks paths on a named branch", async () => {
    const r = repo();
    r.commit({ file: "dummy/file-b" });
    r.commit({ file: "dummy/file-b" });
    const nb = r.commitOnBranch("newbranch", { file: "dummy/file-b" });
    expect(await check(cacheOf(r, { branch: "newbranch" }), { branch: "newbranch", pathspec: ["dummy/*"] })).toEqual(refs(nb));
  });

  it("drops [ci skip] and [skip ci] commits unless disabled", async () => {
    const r = repo();
    const a = r.commit();
    const skip1 = r.commit({ message: "[ci skip]" });
    const c = r.commit({ message: "not ci skipped" });
    const skip2 = r.commit({ message: "something\n\nbody [skip ci] here" });
    const e = r.commit();
    const tab = r.commit({ message: "[ci\tskip] tabs count as \\s" });
    const upper = r.commit({ message: "[CI SKIP] is not skipped: case matters" });
    expect(await check(cacheOf(r), { cursor: a })).toEqual(refs(a, c, e, upper));
    expect(await check(cacheOf(r), { cursor: a, disableCiSkip: true })).toEqual(refs(a, skip1, c, skip2, e, tab, upper));
    expect(tab).not.toBe(upper);
  });

  it("with no cursor gives the newest commit that is not skipped", async () => {
    const r = repo();
    const a = r.commit();
    r.commit({ message: "[ci skip]" });
    r.commit({ message: "[skip ci]" });
    expect(await check(cacheOf(r))).toEqual(refs(a));
  });

  it("applies commit_filter include/exclude with basic regexes and all_match", async () => {
    const r = repo();
    const a = r.commit();
    const b = r.commit({ message: "chore: update a thing" });
    const c = r.commit({ message: "chore(release): auto-publish" });
    const d = r.commit({ message: "fix: a bug\n\nnot skipped sometimes" });
    const e = r.commit({ message: "not skipped commit" });
    const cache = cacheOf(r);
    expect(await check(cache, { cursor: a, exclude: { patterns: ["chore(release):"], allMatch: false } })).toEqual(refs(a, b, d, e));
    expect(await check(cache, { cursor: a, include: { patterns: ["not skipped"], allMatch: false } })).toEqual(refs(d, e));
    expect(await check(cache, { cursor: a, include: { patterns: ["not skipped", "sometimes"], allMatch: true } })).toEqual(refs(d));
    expect(await check(cache, { cursor: a, include: { patterns: ["^fix", "^chore"], allMatch: false } })).toEqual(refs(b, c, d));
    // with --invert-grep, git >= 2.35 ignores --all-match: any pattern excludes
    expect(await check(cache, { cursor: a, exclude: { patterns: ["chore", "thing"], allMatch: true } })).toEqual(refs(a, d, e));
    expect(await check(cache, { cursor: a, include: { patterns: ["a \\(bug\\|thing\\)$"], allMatch: false } })).toEqual(refs(b, d));
    expect(await check(cache, { include: { patterns: ["chore"], allMatch: false }, versionDepth: 5 })).toEqual(refs(b, c));
  });

  it("gives an empty list when git could not compile a pattern", async () => {
    const r = repo();
    const a = r.commit();
    const logged: string[] = [];
    const o = opts({ cursor: a, include: { patterns: ["a\\{1"], allMatch: false } });
    expect(await checkVersions(new GitRepo(cacheOf(r).gitdir), o, { log: (l) => logged.push(l) })).toEqual([]);
    expect(logged[0]).toMatch(/^fatal: command line, 'a\\\{1'/);
  });

  it("keeps empty commits unless a pathspec is given", async () => {
    const r = repo();
    const a = r.commit();
    const empty = r.commit({ allowEmpty: true });
    expect(await check(cacheOf(r), { cursor: a })).toEqual(refs(a, empty));
    expect(await check(cacheOf(r))).toEqual(refs(empty));
    expect(await check(cacheOf(r), { pathspec: ["./"] })).toEqual(refs(a));
    expect(await check(cacheOf(r), { pathspec: [] })).toEqual(refs(empty));
  });

  it("orders by the first-parent chain even when clocks are skewed", async () => {
    const r = repo();
    const a = r.commit();
    const future = r.commit({ date: "@1893456000 +0000", message: "not skipped" });
    r.commit({ message: "should skip this commit" });
    const d = r.commit();
    expect(await check(cacheOf(r), { cursor: a, exclude: { patterns: ["should skip"], allMatch: false } })).toEqual(refs(a, future, d));
    expect(await check(cacheOf(r), { versionDepth: 2 })).toEqual(refs(r.git("rev-parse", "HEAD~1").trim(), d));
  });

  it("returns version_depth commits, oldest first", async () => {
    const r = repo();
    r.commit({ date: "@1893456000 +0000" });
    const b = r.commit();
    const c = r.commit();
    expect(await check(cacheOf(r), { versionDepth: 2 })).toEqual(refs(b, c));
    expect(await check(cacheOf(r), { versionDepth: 50 })).toHaveLength(4);
  });
});

describe.skipIf(!hasGit)("check history (tag mode)", () => {
  function tagged(): { r: TestRepo; c: string[] } {
    const r = repo();
    const c: string[] = [];
    c[1] = r.commit();
    r.annotatedTag("1.0-staging");
    c[3] = r.commit();
    r.annotatedTag("1.0-production");
    r.annotatedTag("2.0-staging");
    c[6] = r.commit();
    r.annotatedTag("2.0-staging");
    c[8] = r.commit();
    r.annotatedTag("2.0-production");
    c[10] = r.commit();
    return { r, c };
  }

  it("gives the newest matching tag by creatordate, with its commit (tag_filter and tag_regex)", async () => {
    const { r, c } = tagged();
    const cache = cacheOf(r, { allBranches: true });
    expect(await check(cache, { tagFilter: "*-staging" })).toEqual([{ ref: "2.0-staging", commit: c[6] }]);
    expect(await check(cache, { tagRegex: ".*-staging" })).toEqual([{ ref: "2.0-staging", commit: c[6] }]);
    expect(await check(cache, { tagFilter: "*-staging", versionDepth: 5 })).toEqual([
      { ref: "1.0-staging", commit: c[1] },
      { ref: "2.0-staging", commit: c[6] },
    ]);
  });

  it("lists from the cursor's tag name on (a substring match, as upstream's sed)", async () => {
    const r = repo();
    const c: string[] = [];
    for (const [i, name] of ["1.0-staging", "1.0-production", "2.0-staging", "2.0-production", "3.0-staging", "3.0-production"].entries()) {
      c[i] = r.commit();
      r.annotatedTag(name);
    }
    r.commit();
    const cache = cacheOf(r, { allBranches: true });
    // version_depth applies with a cursor too (upstream's `tail -$version_depth`)
    expect(await check(cache, { tagFilter: "*-staging", cursor: "2.0-staging" })).toEqual([{ ref: "3.0-staging", commit: c[4] }]);
    expect(await check(cache, { tagFilter: "*-staging", cursor: "2.0-staging", versionDepth: 5 })).toEqual([
      { ref: "2.0-staging", commit: c[2] },
      { ref: "3.0-staging", commit: c[4] },
    ]);
    expect(await check(cache, { tagRegex: ".*-staging", cursor: "2.0-staging", versionDepth: 2 })).toEqual([
      { ref: "2.0-staging", commit: c[2] },
      { ref: "3.0-staging", commit: c[4] },
    ]);
    expect(await check(cache, { tagFilter: "*-staging", cursor: "bogus-ref" })).toEqual([{ ref: "3.0-staging", commit: c[4] }]);
    expect(await check(cache, { tagFilter: "*-staging", cursor: "1.0", versionDepth: 9 })).toHaveLength(3);
    expect(await check(cache, { tagFilter: "*-staging", cursor: c[2]! })).toEqual([]);
  });

  it("sees tags on every branch unless a branch is given", async () => {
    const r = repo();
    const a = r.commitOnBranch("branch-a");
    r.git("tag", "-a", "test.tag.1", "-m", "t", a);
    let cache = cacheOf(r, { allBranches: true });
    expect(await check(cache, { tagFilter: "test.tag.*" })).toEqual([{ ref: "test.tag.1", commit: a }]);
    expect(await check(cache, { tagFilter: "test.tag.*", branch: "master" })).toEqual([]);
    const m = r.commit();
    r.annotatedTag("test.tag.2");
    cache = cacheOf(r, { allBranches: true });
    expect(await check(cache, { tagFilter: "test.tag.*", branch: "master" })).toEqual([{ ref: "test.tag.2", commit: m }]);
    expect(await check(cache, { tagRegex: "test.tag\\..*", branch: "master", cursor: "test.tag.2" })).toEqual([{ ref: "test.tag.2", commit: m }]);
  });

  it("follows a moved tag to its new commit", async () => {
    const r = repo();
    const a = r.commitOnBranch("branch-a");
    r.git("tag", "-a", "staging", "-m", "t", a);
    expect(await check(cacheOf(r, { allBranches: true }), { tagFilter: "staging" })).toEqual([{ ref: "staging", commit: a }]);
    const b = r.commitOnBranch("branch-a");
    r.git("tag", "-f", "-a", "staging", "-m", "t2", b);
    expect(await check(cacheOf(r, { allBranches: true }), { tagFilter: "staging" })).toEqual([{ ref: "staging", commit: b }]);
  });

  it("keeps only tags whose commit passes the other filters, then the last version_depth", async () => {
    const r = repo();
    const c1 = r.commit({ file: "src/a" });
    r.annotatedTag("test.tag.1");
    const c2 = r.commit({ file: "docs/b", message: "docs" });
    r.annotatedTag("test.tag.2");
    r.commit({ message: "[ci skip] release" });
    r.annotatedTag("test.tag.3");
    const c4 = r.commit({ file: "src/c" });
    r.lightweightTag("test.tag.4");
    r.commit({ file: "src/d" });
    r.annotatedTag("test.badtag.5");
    const cache = cacheOf(r, { allBranches: true });
    expect(await check(cache, { tagFilter: "test.tag.*", versionDepth: 2 })).toEqual([
      { ref: "test.tag.2", commit: c2 },
      { ref: "test.tag.4", commit: c4 },
    ]);
    expect(await check(cache, { tagFilter: "test.tag.*", versionDepth: 9, pathspec: ["src"] })).toEqual([
      { ref: "test.tag.1", commit: c1 },
      { ref: "test.tag.4", commit: c4 },
    ]);
    expect(await check(cache, { tagRegex: "test\\.tag\\.[0-9]+", versionDepth: 9, include: { patterns: ["docs"], allMatch: false } })).toEqual([
      { ref: "test.tag.2", commit: c2 },
    ]);
  });

  it("match_tag_ancestors emits the listed commits some matching tag contains", async () => {
    const r = repo();
    const a = r.commit();
    const b = r.commit();
    r.annotatedTag("v1");
    r.commit();
    const cache = cacheOf(r, { allBranches: true });
    expect(await check(cache, { tagFilter: "v*", tagBehaviour: "match_tag_ancestors", versionDepth: 2 })).toEqual(refs(a, b));
    expect(await check(cache, { tagFilter: "v*", tagBehaviour: "match_tag_ancestors" })).toEqual(refs(b));
    expect(await check(cache, { tagFilter: "nomatch*", tagBehaviour: "match_tag_ancestors" })).toEqual([]);
  });
});

describe.skipIf(!hasGit)("check history against the git CLI on a tangled repository", () => {
  it("agrees for many option combinations", async () => {
    const r = TestRepo.init();
    made.push(r);
    const files = ["src/a.ts", "src/lib/b.ts", "docs/readme.md", "docs/x/y.md", "top.txt", "ci/pipeline.yml"];
    const pick = (i: number) => files[(i * 7 + 3) % files.length]!;
    const shas: string[] = [];
    for (let i = 0; i < 14; i++) {
      // skewed clocks on a few commits, ci-skip and conventional messages on others
      const date = i % 5 === 3 ? `@${1893456000 + i} +0000` : undefined;
      const message = ["feat: x", "fix: y [ci skip]", "chore(release): z", "docs: w", "feat!: big"][i % 5]!;
      shas.push(r.commit({ file: pick(i), message, ...(date && { date }) }));
      if (i === 4) r.commitOnBranch("side", { file: "docs/x/side.md", message: "side work" });
      if (i === 6) r.commitOnBranch("side", { file: "src/side.ts", message: "more side" });
      if (i === 8) shas.push(r.merge("side"));
      if (i === 10) r.annotatedTag("v1.0");
      if (i === 12) r.lightweightTag("v1.1");
    }
    r.commitOnBranch("other", { file: "src/other.ts" });
    r.git("tag", "-a", "v0.9-other", "-m", "other", "other");
    const single = cacheOf(r);
    const all = cacheOf(r, { allBranches: true });
    const pathspecs = [null, ["src"], ["docs/**"], ["*.md"], [".", ":!docs"], [":(exclude)src/*", "src/lib"], ["top.txt", "ci"], [":(glob)docs/*"]];
    const cursors = ["", shas[0]!, shas[5]!, shas[9]!, shas[13]!];
    for (const pathspec of pathspecs) {
      for (const cursor of cursors) {
        await check(single, { pathspec, cursor, versionDepth: 3 });
        await check(single, { pathspec, cursor, disableCiSkip: true, exclude: { patterns: ["chore"], allMatch: false } });
        await check(all, { pathspec, cursor, tagFilter: "v*", versionDepth: 4 });
        await check(all, { pathspec, cursor, tagRegex: "v[0-9.]+", tagBehaviour: "match_tag_ancestors", versionDepth: 20, branch: "master" });
      }
    }
    // 160 comparisons, each running the git CLI as the oracle: minutes on a loaded 2-core machine
  }, 300_000);
});

/**
 * Test oracle: the version list computed by the git CLI itself, one git
 * command per stage of upstream's check pipeline (reference §1 check), run
 * against a bare repository shaped like upstream's cache.
 */
import { spawnSync } from "node:child_process";
import { CI_SKIP_PATTERNS } from "../commit-grep.ts";
import type { CheckVersion, HistoryOptions } from "../history.ts";
import type { TestRepo } from "./git-cli.ts";

export function oracleCheck(cache: TestRepo, o: HistoryOptions): CheckVersion[] {
  const git = (args: string[], input?: string) => {
    const r = spawnSync("git", args, { cwd: cache.dir, env: cache.env(), input, encoding: "utf8", maxBuffer: 64 << 20 });
    return { ok: r.status === 0, lines: r.stdout.split("\n").filter((l) => l !== "") };
  };
  const tagMode = o.tagFilter !== "" || o.tagRegex !== "";

  let cursor = o.cursor;
  let range: string[] = [];
  if (cursor !== "" && git(["cat-file", "-e", cursor]).ok) {
    const roots = git(["rev-list", "--max-parents=0", "HEAD"]).lines;
    range = roots.includes(cursor) ? ["HEAD"] : [`${cursor}~1..HEAD`];
  } else cursor = "";

  const first = git(["rev-list", "--all", "--first-parent", ...range, ...(o.pathspec === null ? [] : ["--", ...o.pathspec])]);
  let list = first.ok ? first.lines : [];
  const stage = (extra: string[]) => {
    if (list.length === 0) return;
    const r = git(["rev-list", "--stdin", "--no-walk=unsorted", ...extra], list.join("\n") + "\n");
    list = r.ok ? r.lines : [];
  };
  const greps = (patterns: readonly string[]) => patterns.map((p) => `--grep=${p}`);
  if (o.include.patterns.length > 0) stage([...greps(o.include.patterns), ...(o.include.allMatch ? ["--all-match"] : [])]);
  if (o.exclude.patterns.length > 0) stage(["--invert-grep", ...greps(o.exclude.patterns), ...(o.exclude.allMatch ? ["--all-match"] : [])]);
  if (!o.disableCiSkip) stage(["--invert-grep", ...greps(CI_SKIP_PATTERNS)]);

  if (!tagMode) {
    if (cursor === "") return list.slice(0, o.versionDepth).reverse().map((ref) => ({ ref }));
    return [...list].reverse().map((ref) => ({ ref }));
  }

  const listing = (args: string[]) => {
    let names = git(["tag", "--sort=creatordate", ...args, ...(o.tagFilter !== "" ? ["--list", o.tagFilter] : [])]).lines;
    if (o.tagRegex !== "") {
      const grep = spawnSync("grep", ["-Ex", o.tagRegex], { input: names.join("\n") + "\n", encoding: "utf8" });
      names = grep.stdout.split("\n").filter((l) => l !== "");
    }
    return names;
  };
  let tags: string[];
  if (cursor !== "" && o.branch !== "") tags = listing(["--contains", cursor, "--merged", o.branch]);
  else if (cursor !== "") {
    const all = listing([]);
    const from = all.findIndex((t) => t.includes(cursor));
    tags = from < 0 ? [] : all.slice(from);
  } else tags = listing(o.branch !== "" ? ["--merged", o.branch] : []);

  const commitOf = (tag: string) => git(["rev-list", "-n", "1", tag]).lines[0] ?? "";
  let out: CheckVersion[];
  if (o.tagBehaviour === "match_tagged") {
    out = tags.filter((t) => list.includes(commitOf(t))).map((t) => ({ ref: t, commit: commitOf(t) }));
  } else {
    out = [];
    for (const c of [...list].reverse()) {
      if (tags.some((t) => commitOf(t) === c || git(["merge-base", "--is-ancestor", c, commitOf(t)]).ok)) out.push({ ref: c });
    }
  }
  return out.slice(Math.max(0, out.length - o.versionDepth));
}

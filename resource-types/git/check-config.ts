/**
 * What assets/check makes of its request, read field by field in the script's
 * order and validated in its order: the unknown-key guard, the empty uri, then
 * (past the ls-remote fast path) the option conflicts.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { addToString, alt, iterate, length, path } from "./jq/eval.ts";
import { captured, type JqPayload } from "./jq/payload.ts";
import { dumpCompact, dumpPretty, type JqValue } from "./jq/value.ts";
import { checkLoadPubkeyReads, rejectUnknownKeys } from "./request-checks.ts";
import { SOURCE_KEYS } from "./schema.ts";
import { evalDoubleQuoted, shellFields } from "./shell.ts";
import { rejectUnsupported } from "./unsupported.ts";

export type TagBehaviour = "match_tagged" | "match_tag_ancestors";

export interface CommitFilter {
  patterns: string[];
  allMatch: boolean;
}

export interface CheckConfig {
  uri: string;
  /** "" when unset: the remote HEAD */
  branch: string;
  /** the words git rev-list gets after `--`, or null when upstream passes no pathspec */
  pathspec: string[] | null;
  tagFilter: string;
  tagRegex: string;
  tagBehaviour: TagBehaviour;
  disableCiSkip: boolean;
  include: CommitFilter;
  exclude: CommitFilter;
  versionDepth: number;
  /** version.ref, "" when there is none */
  cursor: string;
  /**
   * Upstream answers from `git ls-remote` alone when ci-skip is off and
   * nothing filters (depth 1). If ls-remote's commit differs from the cursor it
   * falls through to the full check, and only then validates the rest:
   * `deferredError` is what that validation found, to throw at that point.
   */
  fastPath: boolean;
  deferredError?: JetwayError;
}

/** A failure the check script reports with `echo ...; exit 1`. */
function scriptError(...lines: string[]): JetwayError {
  return new JetwayError("INVALID_CONFIG", lines[0]!, { stderr: lines.join("\n") + "\n" });
}

export function checkConfig(payload: JqPayload): CheckConfig {
  rejectUnknownKeys(payload, "source", SOURCE_KEYS, "source");
  checkLoadPubkeyReads(payload);

  const text = (...keys: string[]) => payload.text((v) => alt(path(v, ...keys), ""));
  const uri = text("source", "uri").replace(/^ /, "");
  const branch = text("source", "branch").replace(/^ /, "");
  const paths = payload.lines((v) => iterate(alt(path(v, "source", "paths"), ["."])));
  const ignorePaths = payload.lines((v) => iterate(alt(path(v, "source", "ignore_paths"), [])).map((p) => addToString(":!", p)));
  const tagFilter = text("source", "tag_filter").replace(/^ /, "");
  const tagRegex = text("source", "tag_regex").replace(/^ /, "");
  const tagBehaviour = payload.text((v) => alt(path(v, "source", "tag_behaviour"), "match_tagged"));
  const cursor = text("version", "ref");
  const disableCiSkip = payload.text((v) => alt(path(v, "source", "disable_ci_skip"), false)) === "true";
  // the two lists are read as JSON (no -r): whether they are arrays is checked later
  const filterJson = (key: string): JqValue => payload.eval((v) => alt(path(v, "source", "commit_filter", key), []));
  const include = filterJson("include");
  const includeAllMatch = payload.text((v) => alt(path(v, "source", "commit_filter", "include_all_match"), false)) === "true";
  const exclude = filterJson("exclude");
  const excludeAllMatch = payload.text((v) => alt(path(v, "source", "commit_filter", "exclude_all_match"), false)) === "true";
  const versionDepthText = payload.text((v) => alt(path(v, "source", "version_depth"), 1));

  if (uri === "") throw scriptError("source.uri is required and must not be empty");

  const hasNoPathFilter = paths === "." && ignorePaths === "";
  const emptyFilter = (f: JqValue) => {
    try {
      return length(f) === 0;
    } catch {
      return false; // `jq -e 'length == 0'` failing reads as "not empty"
    }
  };
  const fastPath =
    disableCiSkip && versionDepthText === "1" && hasNoPathFilter && tagFilter === "" && tagRegex === "" && emptyFilter(include) && emptyFilter(exclude);

  let deferredError: JetwayError | undefined;
  let versionDepth = 1;
  try {
    if (tagFilter !== "" && tagRegex !== "") throw scriptError("Cannot provide both tag_filter and tag_regex");
    if (tagBehaviour !== "match_tagged" && tagBehaviour !== "match_tag_ancestors") {
      throw scriptError("Invalid tag_behaviour. Must be one of 'match_tagged' or 'match_tag_ancestors'.");
    }
    for (const filter of [include, exclude]) {
      if (!Array.isArray(filter)) throw scriptError("invalid commit filter (expected array of strings)", dumpPretty(filter));
    }
    versionDepth = parseVersionDepth(versionDepthText);
  } catch (e) {
    if (!fastPath || !(e instanceof JetwayError)) throw e;
    deferredError = e;
  }
  // never deferred: the ls-remote of the fast path would already need what is missing
  rejectUnsupported(payload, "check", uri);

  return {
    uri,
    branch,
    pathspec: hasNoPathFilter ? null : shellFields(`${paths} ${ignorePaths}`),
    tagFilter,
    tagRegex,
    tagBehaviour: tagBehaviour as TagBehaviour,
    disableCiSkip,
    include: { patterns: grepPatterns(include), allMatch: includeAllMatch },
    exclude: { patterns: grepPatterns(exclude), allMatch: excludeAllMatch },
    versionDepth,
    cursor,
    fastPath,
    ...(deferredError && { deferredError }),
  };
}

/**
 * `[ "$version_depth" -le 0 ]` then `-$version_depth`: an integer as bash's
 * test reads it. Upstream's message says "<= 0" where it means "> 0"; kept.
 */
function parseVersionDepth(text: string): number {
  const m = /^\s*([+-]?\d+)\s*$/.exec(text);
  if (!m) {
    // bash prints "integer expression expected" and carries on into a broken rev-list; say it plainly instead
    throw new JetwayError("INVALID_CONFIG", `invalid version_depth ${JSON.stringify(text)} (expected a positive integer)`);
  }
  const n = Number(m[1]);
  if (n <= 0) throw scriptError("Invalid version_depth. Must be <= 0.");
  return n;
}

/**
 * The filter list goes through `jq -r -c '.[]'` into ONE quoted --grep
 * argument (the loop variable is quoted), which git splits at newlines back
 * into one pattern per item. Inside eval's double quotes, a backslash before
 * $ ` " \ or a newline is consumed.
 */
function grepPatterns(filter: JqValue): string[] {
  if (!Array.isArray(filter) || filter.length === 0) return [];
  // `echo $filter` (unquoted) re-spaces the JSON first: runs of spaces inside a string shrink to one
  const item = (v: JqValue) => (typeof v === "string" ? v.replace(/ {2,}/g, " ") : dumpCompact(v));
  const joined = captured(filter.map((v) => item(v) + "\n").join(""));
  return evalDoubleQuoted(joined).split("\n");
}

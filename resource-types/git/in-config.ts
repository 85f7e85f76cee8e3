/**
 * What assets/in makes of its request, in the script's order: the unknown
 * get-params guard, the field reads (whose jq errors are fatal), the empty
 * uri, then the options jetway cannot do natively.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { alt, iterate, JqRuntimeError, path } from "./jq/eval.ts";
import { parseJq } from "./jq/parse.ts";
import type { JqPayload } from "./jq/payload.ts";
import { kindName, truncatedDump, type JqValue } from "./jq/value.ts";
import { catMissingFiles } from "./gnu-quote.ts";
import { checkLoadPubkeyReads, rejectUnknownKeys } from "./request-checks.ts";
import { GET_PARAMS_KEYS } from "./schema.ts";
import { rejectUnsupported } from "./unsupported.ts";
import { readGitConfig, type GitConfigEntry } from "./git-config-entries.ts";

export interface InConfig {
  uri: string;
  branch: string;
  /** sparse checkout patterns, or null for a full checkout */
  sparsePaths: string[] | null;
  gitConfig: GitConfigEntry[];
  /** version.ref, "HEAD" when absent; returned verbatim */
  ref: string;
  /** version.branch (a put's version), overriding source.branch for the clone */
  versionBranch: string;
  /** 0 for a full clone */
  depth: number;
  fetch: string[];
  submodules: "all" | "none" | string[];
  submoduleRecursive: boolean;
  submoduleRemote: boolean;
  tagFilter: string;
  tagRegex: string;
  /** clone's tag flag: --no-tags, --tags, or git's default */
  tags: "no-tags" | "tags" | "default";
  disableGitLfs: boolean;
  cleanTags: boolean;
  shortRefFormat: string;
  timestampFormat: string;
  describeRefOptions: string;
  searchRemoteRefs: boolean;
}

export function inConfig(payload: JqPayload): InConfig {
  rejectUnknownKeys(payload, "params", GET_PARAMS_KEYS, "get params");
  checkLoadPubkeyReads(payload);

  const text = (fallback: JqValue, ...keys: string[]) => payload.text((v) => alt(path(v, ...keys), fallback));
  const lines = (fallback: JqValue, ...keys: string[]) => payload.lines((v) => iterate(alt(path(v, ...keys), fallback)));

  const uri = text("", "source", "uri");
  const branch = text("", "source", "branch");
  const sparse = lines(["."], "source", "sparse_paths");
  const gitConfig = readGitConfig(payload);
  const ref = text("HEAD", "version", "ref");
  const versionBranch = text("", "version", "branch");
  const depthText = text(0, "params", "depth");
  const fetch = lines([], "params", "fetch");
  const submodulesText = text("all", "params", "submodules");
  const submoduleRecursive = text(true, "params", "submodule_recursive");
  const submoduleRemote = text(false, "params", "submodule_remote");
  lines([], "source", "commit_verification_key_ids");
  lines([], "source", "commit_verification_keys");
  const tagFilter = text("", "source", "tag_filter");
  const tagRegex = text("", "source", "tag_regex");
  let fetchTags = payload.text((v) => path(v, "params", "fetch_tags"));
  text("", "source", "gpg_keyserver");
  const disableGitLfs = text(false, "params", "disable_git_lfs");
  const cleanTags = text(false, "params", "clean_tags");
  const shortRefFormat = text("%s", "params", "short_ref_format");
  const timestampFormat = text("iso8601", "params", "timestamp_format");
  const describeRefOptions = text("--always --dirty --broken", "params", "describe_ref_options");
  const searchRemoteRefs = text(false, "params", "search_remote_refs");
  if (fetchTags === "" || fetchTags === "null") fetchTags = payload.text((v) => path(v, "source", "fetch_tags"));

  if (uri === "") {
    const lines = ["invalid payload (missing uri):", ...catMissingFiles(payload.raw)];
    throw new JetwayError("INVALID_REQUEST", lines[0]!, { stderr: lines.join("\n") + "\n" });
  }

  rejectUnsupported(payload, "in", uri);

  const depth = /^\s*[+-]?\d+\s*$/.test(depthText) ? Math.max(0, Number(depthText)) : 0;
  return {
    uri,
    branch,
    sparsePaths: sparse === "." || sparse === "" ? null : sparse.split("\n"),
    gitConfig,
    ref,
    versionBranch,
    depth,
    fetch: fetch.split(/[ \t\n]+/).filter((w) => w !== ""),
    submodules: parseSubmodules(submodulesText),
    submoduleRecursive: submoduleRecursive !== "false",
    submoduleRemote: submoduleRemote !== "false",
    tagFilter,
    tagRegex,
    tags: fetchTags === "false" ? "no-tags" : tagFilter !== "" || tagRegex !== "" || fetchTags === "true" ? "tags" : "default",
    disableGitLfs: disableGitLfs === "true",
    cleanTags: cleanTags === "true",
    shortRefFormat,
    timestampFormat,
    describeRefOptions,
    searchRemoteRefs: searchRemoteRefs === "true",
  };
}

/**
 * A list of paths arrives as jq's pretty JSON text, goes through an unquoted
 * `echo` and then `jq -r 'map(. + "$") | join("|")'`; what that jq call
 * cannot take fails the get (exit 4 for a parse error, 5 otherwise).
 */
function parseSubmodules(text: string): "all" | "none" | string[] {
  if (text === "all" || text === "none") return text;
  const echoed = text.split(/[ \t\n]+/).filter((w) => w !== "").join(" ");
  const parsed = parseJq(echoed + "\n");
  if (parsed.error !== undefined) {
    const line = `parse error: ${parsed.error}`;
    throw new JetwayError("INVALID_CONFIG", line, { exitCode: 4, stderr: line + "\n" });
  }
  const value = parsed.values[0] ?? null;
  try {
    return iterate(value).map((v) => {
      if (typeof v !== "string") throw new JqRuntimeError(`${kindName(v)} (${truncatedDump(v)}) and string ("$") cannot be added`);
      return v;
    });
  } catch (e) {
    if (!(e instanceof JqRuntimeError)) throw e;
    // this jq reads the echoed line, so its position is line 1
    const line = `jq: error (at <stdin>:1): ${e.message}`;
    throw new JetwayError("INVALID_CONFIG", line, { exitCode: 5, stderr: line + "\n" });
  }
}

/**
 * What assets/out makes of its request before touching the source directory:
 * the unknown put-params guard, the field reads, and its four payload checks
 * in the script's order.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { alt, iterate, path } from "./jq/eval.ts";
import type { JqPayload } from "./jq/payload.ts";
import { parseJq } from "./jq/parse.ts";
import { rawText, type JqValue } from "./jq/value.ts";
import { readGitConfig, type GitConfigEntry } from "./git-config-entries.ts";
import { checkLoadPubkeyReads, rejectUnknownKeys } from "./request-checks.ts";
import { PUT_PARAMS_KEYS } from "./schema.ts";
import { rejectUnsupported } from "./unsupported.ts";

export interface OutConfig {
  uri: string;
  /** source.branch, or params.branch when that is set */
  branch: string;
  /** params.branch: when set, the version is {branch, ref} */
  overrideBranch: string;
  gitConfig: GitConfigEntry[];
  repository: string;
  tag: string;
  tagPrefix: string;
  rebase: boolean;
  rebaseStrategy: string;
  /** each becomes a -X<option> */
  rebaseStrategyOptions: string[];
  merge: boolean;
  returning: string;
  force: boolean;
  onlyTag: boolean;
  annotate: string;
  notes: string;
  refsPrefix: string;
  pushOptions: string[];
}

function payloadError(message: string): JetwayError {
  return new JetwayError("INVALID_REQUEST", message, { stderr: message + "\n" });
}

export function outConfig(payload: JqPayload): OutConfig {
  rejectUnknownKeys(payload, "params", PUT_PARAMS_KEYS, "put params");
  checkLoadPubkeyReads(payload);

  const text = (fallback: JqValue, ...keys: string[]) => payload.text((v) => alt(path(v, ...keys), fallback));
  const uri = text("", "source", "uri");
  const branch = text("", "source", "branch");
  const gitConfig = readGitConfig(payload);
  const repository = text("", "params", "repository");
  const tag = text("", "params", "tag");
  const tagPrefix = text("", "params", "tag_prefix");
  const rebase = text(false, "params", "rebase");
  const rebaseStrategy = text("", "params", "rebase_strategy");
  const rebaseStrategyOption = text("", "params", "rebase_strategy_option");
  const merge = text(false, "params", "merge");
  const returning = text("merged", "params", "returning");
  const force = text(false, "params", "force");
  const onlyTag = text(false, "params", "only_tag");
  const annotate = text("", "params", "annotate");
  const notes = text("", "params", "notes");
  const overrideBranch = text("", "params", "branch");
  const refsPrefix = text("refs/heads", "params", "refs_prefix");

  if (uri === "") throw payloadError("invalid payload (missing uri)");
  if (branch === "" && onlyTag !== "true" && overrideBranch === "") throw payloadError("invalid payload (missing branch)");
  if (repository === "") throw payloadError("invalid payload (missing repository)");
  if (merge === "true" && rebase === "true") throw payloadError("invalid push strategy (either merge or rebase can be set, but not both)");

  rejectUnsupported(payload, "out", uri);

  const pushOptions = payload.lines((v) => iterate(alt(path(v, "params", "push_options"), [])));
  return {
    uri,
    branch: overrideBranch !== "" ? overrideBranch : branch,
    overrideBranch,
    gitConfig,
    repository,
    tag,
    tagPrefix,
    rebase: rebase === "true",
    rebaseStrategy,
    rebaseStrategyOptions: strategyOptions(rebaseStrategyOption),
    merge: merge === "true",
    returning,
    force: force === "true",
    onlyTag: onlyTag === "true",
    annotate,
    notes,
    refsPrefix,
    pushOptions: pushOptions === "" ? [] : pushOptions.split("\n"),
  };
}

/** A JSON array's items, else the string's whitespace-separated words (`for opt in $x`). */
function strategyOptions(text: string): string[] {
  if (text === "" || text === "null") return [];
  const parsed = parseJq(text + "\n");
  const value = parsed.error === undefined ? parsed.values[0] : undefined;
  if (Array.isArray(value)) return value.map(rawText);
  return text.split(/[ \t\n]+/).filter((w) => w !== "");
}

/**
 * params.rebase_strategy and rebase_strategy_option (git pull --strategy / -X)
 * turned into line-merge options. The default strategy (ort, which git also
 * runs for "recursive") is the only one done natively; the other strategies
 * replace the merge algorithm itself and fail with the upstream-image hint.
 * -X options that only tune how git finds differences (diff algorithm,
 * renames, renormalisation) change nothing a clean replay needs and are
 * accepted without effect.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import type { LineMergeOptions, WhitespaceRule } from "./merge3-lines.ts";
import { unsupported } from "./unsupported.ts";

const NATIVE_STRATEGIES = new Set(["", "ort", "recursive"]);
const WHITESPACE: Record<string, WhitespaceRule> = {
  "ignore-space-change": "space-change",
  "ignore-all-space": "all-space",
  "ignore-space-at-eol": "space-at-eol",
  "ignore-cr-at-eol": "cr-at-eol",
};
const NO_EFFECT = /^(patience|histogram|minimal|diff-algorithm=.*|find-renames(=.*)?|rename-threshold=.*|no-renames|renormalize|no-renormalize)$/;

export function strategyOptions(strategy: string, options: readonly string[]): LineMergeOptions {
  if (!NATIVE_STRATEGIES.has(strategy)) throw unsupported(`params.rebase_strategy ${JSON.stringify(strategy)}`);
  const out: LineMergeOptions = {};
  const ignore: WhitespaceRule[] = [];
  for (const opt of options) {
    if (opt === "ours" || opt === "theirs") out.favor = opt;
    else if (WHITESPACE[opt] !== undefined) ignore.push(WHITESPACE[opt]);
    else if (!NO_EFFECT.test(opt)) {
      if (/^subtree(=|$)/.test(opt)) throw unsupported(`params.rebase_strategy_option ${JSON.stringify(opt)}`);
      throw new JetwayError("INVALID_CONFIG", `error: Unknown option for merge-recursive: -X${opt}`);
    }
  }
  if (ignore.length > 0) out.ignore = ignore;
  return out;
}

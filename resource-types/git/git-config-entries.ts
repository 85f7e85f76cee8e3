/**
 * source.git_config as the scripts apply it: each entry's name and value
 * pass through jq string interpolation, so non-strings arrive as their JSON.
 */
import { alt, iterate, path } from "./jq/eval.ts";
import type { JqPayload } from "./jq/payload.ts";
import { dumpCompact, isJqObject, type JqValue } from "./jq/value.ts";

export interface GitConfigEntry {
  name: string;
  value: string;
}

const interpolated = (v: JqValue) => (typeof v === "string" ? v : dumpCompact(v));

export function readGitConfig(payload: JqPayload): GitConfigEntry[] {
  const entries = payload.eval((v) => alt(path(v, "source", "git_config"), []));
  if (!Array.isArray(entries) && !isJqObject(entries)) return [];
  // an entry jq cannot index makes upstream's eval run nothing for it
  return iterate(entries)
    .filter(isJqObject)
    .map((e) => ({ name: interpolated(e.get("name") ?? null), value: interpolated(e.get("value") ?? null) }));
}

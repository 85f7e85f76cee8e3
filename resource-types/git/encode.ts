/**
 * Responses as upstream's scripts print them: every one comes out of jq
 * without -c, so stdout is jq's pretty JSON (two-space indent) and a newline;
 * an empty check is `[]`. Key order is the scripts' own: {ref, commit} in tag
 * mode, {version, metadata} for get and put, {branch, ref} for a put to
 * params.branch.
 */
import type { CheckResponse, InOutResponse, Version } from "../../src/protocol/types.ts";
import { dumpPretty, type JqValue } from "./jq/value.ts";
import type { GitMetadataField } from "./metadata.ts";

const VERSION_KEYS = ["branch", "ref", "commit"];

function versionValue(v: Version): JqValue {
  const keys = Object.keys(v).sort((a, b) => VERSION_KEYS.indexOf(a) - VERSION_KEYS.indexOf(b));
  return new Map<string, JqValue>(keys.map((k) => [k, v[k]!]));
}

function metadataValue(m: readonly GitMetadataField[] | null): JqValue {
  if (m === null) return null;
  return m.map((f) => new Map<string, JqValue>([["name", f.name], ["value", f.value], ...(f.type ? [["type", f.type] as [string, JqValue]] : [])]));
}

export function encodeResponse(response: CheckResponse | InOutResponse): string {
  if (response === null || Array.isArray(response)) return dumpPretty((response ?? []).map(versionValue)) + "\n";
  const value = new Map<string, JqValue>([
    ["version", versionValue(response.version)],
    ["metadata", metadataValue(response.metadata as GitMetadataField[] | null)],
  ]);
  return dumpPretty(value) + "\n";
}

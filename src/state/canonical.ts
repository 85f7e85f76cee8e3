import type { Version } from "../protocol/types.ts";

/** A version as stored: JSON with sorted keys, so equal versions are equal text whatever their key order. */
export function canonicalVersion(version: Version): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(version).sort()) sorted[key] = version[key]!;
  return JSON.stringify(sorted);
}

import type { S3Access } from "./client.ts";
import { mustCompile } from "./extract.ts";
import { matchString } from "./go-regexp.ts";
import { listObjectsPage } from "./list-page.ts";
import { S3CallError } from "./send.ts";

/**
 * GetMatchingPathsFromBucket, streamed: the regexp is cut at "/" and each
 * section is matched against one level of the bucket (ListObjectsV2 with
 * delimiter "/"), breadth first, following only the prefixes that match.
 * Leading literal sections become the listing prefix directly. Matching keys
 * are handed to `onPath` one page at a time and never collected here, so
 * memory stays flat whatever the number of keys; only the queue of matching
 * prefixes is held, as upstream holds it.
 */

/** A section without these is a plain string and joins the prefix as it is. */
const SPECIAL = /[\\*.[\](){}?|^$+]/;

interface Work {
  prefix: string;
  remains: string[];
}

/** One listing level, page by page. */
export async function* listLevel(access: S3Access, prefix: string, signal: AbortSignal): AsyncGenerator<{ keys: string[]; prefixes: string[] }> {
  let token: string | undefined;
  for (;;) {
    const page = await listObjectsPage(access, { Bucket: access.bucket, Prefix: prefix, Delimiter: "/", ...(token !== undefined && { ContinuationToken: token }) }, signal);
    yield { keys: page.keys, prefixes: page.prefixes };
    if (!page.isTruncated) return;
    if (!page.nextContinuationToken || page.nextContinuationToken === token) {
      throw new S3CallError("operation error S3: ListObjectsV2, truncated listing without a continuation token", undefined);
    }
    token = page.nextContinuationToken;
  }
}

export async function walkMatchingPaths(access: S3Access, regex: string, signal: AbortSignal, onPath: (path: string) => void): Promise<void> {
  let pattern = regex;
  if (pattern.startsWith("^")) pattern = pattern.slice(1);
  if (pattern.endsWith("$")) pattern = pattern.slice(0, -1);
  const queue: Work[] = [{ prefix: "", remains: pattern.split("/") }];
  while (queue.length > 0) {
    const { prefix, remains: all } = queue.shift()!;
    const section = all[0]!;
    const remains = all.slice(1);
    if (!SPECIAL.test(section) && remains.length > 0) {
      queue.push({ prefix: prefix + section + "/", remains });
      continue;
    }
    const deeper = remains.length > 0;
    const re = mustCompile("^" + prefix + section + (deeper ? "/$" : "$"));
    for await (const page of listLevel(access, prefix, signal)) {
      if (deeper) {
        for (const p of page.prefixes) if (matchString(re, p)) queue.push({ prefix: p, remains });
      } else {
        for (const key of page.keys) if (matchString(re, key)) onPath(key);
      }
    }
  }
}

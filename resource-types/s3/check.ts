import { GetBucketVersioningCommand, ListObjectVersionsCommand, type GetBucketVersioningCommandOutput, type ListObjectVersionsCommandOutput } from "@aws-sdk/client-s3";
import type { CheckRequest, CheckResponse, OperationContext } from "../../src/protocol/types.ts";
import { createS3, type S3Access } from "./client.ts";
import type { S3Source } from "./decode.ts";
import { fatal, PanicSignal } from "./errors.ts";
import { extract, mustCompile, versionText, type Extraction } from "./extract.ts";
import type { GoRegexp } from "./go-regexp.ts";
import type { S3Version } from "./schema.ts";
import { send, S3CallError } from "./send.ts";
import { compareSemiSemantic, parseSemiSemantic, VersionParseError, type SemiSemanticVersion } from "./semi-semantic.ts";
import { validateSource } from "./source.ts";
import { walkMatchingPaths } from "./walk.ts";

export async function check(request: CheckRequest<S3Source, S3Version>, ctx: OperationContext): Promise<CheckResponse<S3Version>> {
  const access = await createS3(request.source, ctx.env);
  validateSource(request.source);
  try {
    return request.source.regexp !== ""
      ? await checkByRegexp(access, request.source, request.version?.path ?? "", ctx.signal)
      : await checkByVersionedFile(access, request.source, request.version?.version_id ?? "", ctx.signal);
  } catch (e) {
    if (e instanceof PanicSignal) throw e.toJetwayError();
    throw e;
  } finally {
    access.client.destroy();
  }
}

/** What the cursor turns out to be, before any listing. */
type Cursor = { kind: "none" } | { kind: "since"; version: SemiSemanticVersion } | { kind: "panic"; signal: PanicSignal };

function readCursor(re: GoRegexp, path: string): Cursor {
  const text = versionText(re, path);
  if (text === null) return { kind: "none" };
  try {
    return { kind: "since", version: parseSemiSemantic(text) };
  } catch (e) {
    if (e instanceof VersionParseError) return { kind: "panic", signal: new PanicSignal("OPERATION_FAILED", `version number was not valid: ${e.message}`) };
    throw e;
  }
}

/**
 * Regexp mode. Upstream lists every matching key, sorts them all, prepends
 * initial_path, then answers [latest] (no cursor, or one the regexp does not
 * match) or every version >= the cursor's. Here the keys stream past and only
 * what the answer needs is kept: the greatest so far, or the versions at or
 * above the cursor. Ties keep listing order, as Go's sort does for the small
 * lists it sorts by insertion; panics and errors surface where Go's would.
 */
async function checkByRegexp(access: S3Access, source: S3Source, cursorPath: string, signal: AbortSignal): Promise<CheckResponse<S3Version>> {
  let full: GoRegexp | PanicSignal;
  try {
    full = mustCompile(source.regexp);
  } catch (e) {
    if (!(e instanceof PanicSignal)) throw e;
    full = e;
  }
  const cursor: Cursor = full instanceof PanicSignal ? { kind: "none" } : readCursor(full, cursorPath);

  let firstPanic: PanicSignal | undefined;
  let count = 0;
  let latest: Extraction | undefined;
  const since: { e: Extraction; order: number }[] = [];
  try {
    await walkMatchingPaths(access, source.regexp, signal, (path) => {
      if (firstPanic) return;
      if (full instanceof PanicSignal) {
        firstPanic = full;
        return;
      }
      let e: Extraction | null;
      try {
        e = extract(full, path);
      } catch (err) {
        if (err instanceof PanicSignal) {
          firstPanic = err;
          return;
        }
        throw err;
      }
      if (e === null) return;
      count++;
      if (latest === undefined || compareSemiSemantic(e.version, latest.version) >= 0) latest = e;
      if (cursor.kind === "since" && compareSemiSemantic(e.version, cursor.version) >= 0) since.push({ e, order: count });
    });
  } catch (e) {
    if (e instanceof S3CallError) throw fatal("OPERATION_FAILED", "listing files", e.message, e);
    throw e;
  }
  if (firstPanic) throw firstPanic;

  let initial: Extraction | null = null;
  if (source.initialPath !== "") {
    if (full instanceof PanicSignal) throw full;
    initial = extract(full, source.initialPath);
  }
  if (count === 0 && initial === null) return null;
  if (cursor.kind === "panic") throw cursor.signal;
  if (cursor.kind === "none") return [{ path: (latest ?? initial)!.path }];

  since.sort((a, b) => compareSemiSemantic(a.e.version, b.e.version) || a.order - b.order);
  const versions = since.map(({ e }) => ({ path: e.path }));
  if (initial !== null && compareSemiSemantic(initial.version, cursor.version) >= 0) versions.unshift({ path: initial.path });
  return versions;
}

/**
 * versioned_file mode. S3 lists a key's versions newest first, and the key
 * itself before every longer key sharing its prefix, so the listing stops
 * as soon as the cursor (or, without one, the newest version) has been seen
 * or another key begins. Only the versions newer than the cursor are held.
 */
async function checkByVersionedFile(access: S3Access, source: S3Source, cursor: string, signal: AbortSignal): Promise<CheckResponse<S3Version>> {
  const key = source.versionedFile;
  const newestFirst: string[] = [];
  let found = -1;
  try {
    const versioning = await send<GetBucketVersioningCommandOutput>(access, "GetBucketVersioning", new GetBucketVersioningCommand({ Bucket: access.bucket }), signal);
    if (versioning.Status !== "Enabled") throw fatal("OPERATION_FAILED", "finding versions", "bucket is not versioned");
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    listing: for (;;) {
      const page = await send<ListObjectVersionsCommandOutput>(
        access,
        "ListObjectVersions",
        new ListObjectVersionsCommand({
          Bucket: access.bucket,
          Prefix: key,
          ...(keyMarker !== undefined && { KeyMarker: keyMarker }),
          ...(versionMarker !== undefined && { VersionIdMarker: versionMarker }),
        }),
        signal,
      );
      // delete markers are not versions; versions of longer keys end the search
      for (const v of page.Versions ?? []) {
        if (v.Key !== key) break listing;
        const id = v.VersionId ?? "";
        newestFirst.push(id);
        if (cursor === "" || id === cursor) {
          found = newestFirst.length - 1;
          break listing;
        }
      }
      if (!page.IsTruncated) break;
      const last = page.Versions?.at(-1);
      keyMarker = page.NextKeyMarker || last?.Key;
      versionMarker = page.NextVersionIdMarker || last?.VersionId;
    }
  } catch (e) {
    if (e instanceof S3CallError) throw fatal("OPERATION_FAILED", "finding versions", e.message, e);
    throw e;
  }
  if (source.initialVersion !== "") {
    newestFirst.push(source.initialVersion);
    if (found < 0 && cursor === source.initialVersion) found = newestFirst.length - 1;
  }
  if (newestFirst.length === 0) return [];
  if (cursor === "" || found < 0) return [{ version_id: newestFirst[0]! }];
  return newestFirst
    .slice(0, found + 1)
    .reverse()
    .map((id) => ({ version_id: id }));
}

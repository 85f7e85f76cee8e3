import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, type GetObjectCommandOutput, type GetObjectTaggingCommandOutput } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, join, posix } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { goMarshal } from "../../src/compat/go-json.ts";
import { goStrconvQuote } from "../../src/compat/logrus.ts";
import { safeJoin } from "../../src/protocol/paths.ts";
import type { DirectoryContext, InOutResponse, InRequest, MetadataField } from "../../src/protocol/types.ts";
import { createS3, type S3Access } from "./client.ts";
import type { S3GetParams, S3Source } from "./decode.ts";
import { commandError, PanicSignal } from "./errors.ts";
import { extract, mustCompile } from "./extract.ts";
import type { S3Version } from "./schema.ts";
import { send, S3CallError } from "./send.ts";
import { validateSource, warnDeprecated } from "./source.ts";
import { ArchiveError } from "./archive-error.ts";
import { objectUrl } from "./url.ts";

/** strconv.ParseBool */
function parseGoBool(s: string): boolean | null {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return null;
}

/** base64.StdEncoding.DecodeString: padded, standard alphabet, line breaks ignored. */
function decodeStdBase64(s: string): Buffer | null {
  const t = s.replace(/[\r\n]/g, "");
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return null;
  return Buffer.from(t, "base64");
}

/** Go's %#v of s3resource.Version. */
function goSyntaxVersion(v: S3Version): string {
  return `s3resource.Version{Path:${goStrconvQuote(v.path ?? "")}, VersionID:${goStrconvQuote(v.version_id ?? "")}}`;
}

/** Streams the object into a hidden file beside its final name and renames it: a failed get leaves no file behind. */
async function download(access: S3Access, key: string, versionId: string, target: string, signal: AbortSignal): Promise<void> {
  const version = versionId !== "" ? { VersionId: versionId } : {};
  // upstream asks for the object's head first; its errors (404 NotFound) are worded from that call
  await send(access, "HeadObject", new HeadObjectCommand({ Bucket: access.bucket, Key: key, ...version }), signal);
  const object = await send<GetObjectCommandOutput>(access, "GetObject", new GetObjectCommand({ Bucket: access.bucket, Key: key, ...version }), signal);
  const partial = join(target, "..", `.${basename(target)}.jetway-partial-${randomBytes(6).toString("hex")}`);
  try {
    await pipeline(object.Body as Readable, createWriteStream(partial, { mode: 0o644 }), { signal });
    await rename(partial, target);
  } catch (e) {
    await rm(partial, { force: true });
    if (e instanceof S3CallError || signal.aborted) throw e;
    throw new S3CallError(`operation error S3: GetObject, reading the body: ${(e as Error).message}`, e);
  }
}

async function downloadTags(access: S3Access, key: string, versionId: string, target: string, signal: AbortSignal): Promise<void> {
  const out = await send<GetObjectTaggingCommandOutput>(
    access,
    "GetObjectTagging",
    new GetObjectTaggingCommand({ Bucket: access.bucket, Key: key, ...(versionId !== "" && { VersionId: versionId }) }),
    signal,
  );
  const tags: Record<string, string> = {};
  for (const t of out.TagSet ?? []) tags[t.Key ?? ""] = t.Value ?? "";
  // json.Marshal of a map: sorted keys, compact, no newline
  await writeFile(target, goMarshal(tags, true), { mode: 0o644 });
}

/**
 * in: the object (or the initial content), `url`, `s3_uri` and `version`,
 * optionally unpacked and with `tags.json`, in upstream's order, so a failure
 * stops where upstream's would.
 */
export async function get(request: InRequest<S3Source, S3Version, S3GetParams>, ctx: DirectoryContext): Promise<InOutResponse<S3Version>> {
  const { source, params, version } = request;
  const access = await createS3(source, ctx.env);
  warnDeprecated(source, ctx);
  try {
    return await run(access, source, params, version, ctx);
  } catch (e) {
    if (e instanceof PanicSignal) throw e.toJetwayError();
    if (e instanceof S3CallError) throw commandError("OPERATION_FAILED", e.message, e);
    if (e instanceof ArchiveError) throw commandError("OPERATION_FAILED", e.message, e);
    throw e;
  } finally {
    access.client.destroy();
  }
}

async function run(access: S3Access, source: S3Source, params: S3GetParams, version: S3Version, ctx: DirectoryContext): Promise<InOutResponse<S3Version>> {
  validateSource(source);
  const dir = ctx.dir;
  await mkdir(dir, { recursive: true, mode: 0o755 });

  let remotePath: string;
  let versionNumber: string;
  let versionId = "";
  let isInitial: boolean;
  if (source.regexp !== "") {
    if (!version.path) throw commandError("INVALID_REQUEST", "missing path in request");
    remotePath = version.path;
    const extraction = extract(mustCompile(source.regexp), remotePath);
    if (extraction === null) throw commandError("INVALID_REQUEST", `regex does not match provided version: ${goSyntaxVersion(version)}`);
    versionNumber = extraction.versionNumber;
    isInitial = source.initialPath !== "" && remotePath === source.initialPath;
  } else {
    remotePath = source.versionedFile;
    versionNumber = version.version_id ?? "";
    versionId = versionNumber;
    isInitial = source.initialVersion !== "" && versionId === source.initialVersion;
  }

  // path.Base, then kept inside the destination
  const fileName = posix.basename(remotePath) || (remotePath.startsWith("/") ? "/" : ".");
  const localPath = safeJoin(dir, fileName, "object key");
  let url = "";
  if (isInitial) {
    let content: Buffer = Buffer.from(source.initialContentText, "utf8");
    if (source.initialContentBinary !== "") {
      const decoded = decodeStdBase64(source.initialContentBinary);
      if (decoded === null) throw commandError("INVALID_CONFIG", "failed to decode initial_content_binary, make sure it's base64 encoded");
      content = decoded;
    }
    await writeFile(localPath, content, { mode: 0o644 });
  } else {
    let skipDownload = source.skipDownload;
    if (params.skipDownload !== "") {
      const parsed = parseGoBool(params.skipDownload);
      if (parsed === null) throw commandError("INVALID_REQUEST", `skip_download defined but invalid value: ${params.skipDownload}`);
      skipDownload = parsed;
    }
    if (!skipDownload) {
      await download(access, remotePath, versionId, localPath, ctx.signal);
      if (params.unpack) {
        const { archiveKind, extractArchive } = await import("./unpack.ts");
        const kind = await archiveKind(localPath);
        if (kind === null) throw commandError("OPERATION_FAILED", `not an archive: ${localPath}`);
        await extractArchive(kind, localPath);
      }
    }
    if (params.downloadTags) await downloadTags(access, remotePath, versionId, join(dir, "tags.json"), ctx.signal);
    url = await objectUrl(access, remotePath, source.private, versionId);
    await writeFile(join(dir, "url"), url, { mode: 0o644 });
    await writeFile(join(dir, "s3_uri"), `s3://${source.bucket}/${remotePath}`, { mode: 0o644 });
  }
  await writeFile(join(dir, "version"), versionNumber, { mode: 0o644 });

  const metadata: MetadataField[] = [{ name: "filename", value: posix.basename(remotePath) || "." }];
  if (url !== "" && !source.private) metadata.push({ name: "url", value: url });
  return { version: versionId === "" ? { path: remotePath } : { version_id: versionId }, metadata };
}

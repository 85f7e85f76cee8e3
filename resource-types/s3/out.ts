import { PutObjectCommand, type PutObjectCommandInput, type PutObjectCommandOutput } from "@aws-sdk/client-s3";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { DirectoryContext, InOutResponse, MetadataField, OutRequest } from "../../src/protocol/types.ts";
import { createS3, type S3Access } from "./client.ts";
import type { S3PutParams, S3Source } from "./decode.ts";
import { commandError, PanicSignal } from "./errors.ts";
import { mustCompile } from "./extract.ts";
import { BadPatternError, goClean, goGlob, goJoin } from "./go-glob.ts";
import { compileGoRegexp, GoRegexpError, matchString, type GoRegexp } from "./go-regexp.ts";
import type { S3Version } from "./schema.ts";
import { describeS3Error } from "./s3-error.ts";
import { send, S3CallError } from "./send.ts";
import { validateSource, warnDeprecated } from "./source.ts";
import { objectUrl } from "./url.ts";
import { libStorage } from "./optional-sdk.ts";

/** The SDK's (and Go uploader's) minimum part: below it a file goes up in one PutObject. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

/** filepath.Walk's lexical order, the root included, folders before their contents. */
async function walk(root: string, out: string[]): Promise<void> {
  out.push(root);
  let isDir = false;
  try {
    isDir = (await stat(root)).isDirectory();
  } catch {
    return;
  }
  if (!isDir) return;
  const names = (await readdir(root).catch(() => [] as string[])).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const n of names) await walk(join(root, n), out);
}

async function matchFile(params: S3PutParams, sourceDir: string): Promise<string> {
  let pattern: string;
  let matches: string[];
  if (params.file !== "") {
    pattern = params.file;
    try {
      matches = await goGlob(goJoin(sourceDir, pattern));
    } catch (e) {
      if (e instanceof BadPatternError) throw commandError("INVALID_REQUEST", e.message);
      throw e;
    }
  } else {
    pattern = params.from;
    let re: GoRegexp;
    try {
      re = compileGoRegexp(pattern);
    } catch (e) {
      if (e instanceof GoRegexpError) throw commandError("INVALID_REQUEST", e.message);
      throw e;
    }
    const paths: string[] = [];
    await walk(sourceDir, paths);
    matches = paths.filter((p) => matchString(re, p));
  }
  if (matches.length === 0) throw commandError("INVALID_REQUEST", `no matches found for pattern: ${pattern}`);
  if (matches.length > 1) {
    const message = `more than one match found for pattern: ${pattern}\n[${matches.join(" ")}]`;
    const err = commandError("INVALID_REQUEST", message);
    throw err;
  }
  return matches[0]!;
}

/** Regexp.ReplaceAllString's template expansion: $1, ${1}, $name, ${name}, $$. */
function goExpand(template: string, groups: string[], names: readonly string[]): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== "$" || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    let end: number;
    if (template[i + 1] === "{") {
      const close = template.indexOf("}", i + 2);
      const inner = close < 0 ? "" : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      end = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      end = i + 1 + name.length;
    }
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      out += n < groups.length ? (groups[n] ?? "") : "";
    } else {
      const k = names.indexOf(name);
      out += k > 0 ? (groups[k] ?? "") : "";
    }
    i = end - 1;
  }
  return out;
}

function replaceAllGo(re: GoRegexp, text: string, template: string): string {
  const global = new RegExp(re.regex.source, "gu");
  return text.replace(global, (...args: unknown[]) => {
    const groups = args.slice(0, re.names.length).map((g) => (typeof g === "string" ? g : ""));
    return goExpand(template, groups, re.names);
  });
}

/** The key, as upstream derives it: versioned_file, or the regexp's folder plus the file's name, or the deprecated to/from. */
export function remotePath(source: S3Source, params: S3PutParams, localPath: string, sourceDir: string): string {
  if (source.versionedFile !== "") return source.versionedFile;
  const base = localPath === "" ? "." : (goClean(localPath).split("/").pop() || "/");
  if (params.to === "" && params.from === "" && source.regexp !== "") {
    return goJoin(source.regexp.slice(0, source.regexp.lastIndexOf("/") + 1), base);
  }
  if (params.to.endsWith("/") || params.to === "") return goJoin(params.to, base);
  const fileName = localPath.startsWith(sourceDir + "/") ? localPath.slice(sourceDir.length + 1) : localPath;
  return replaceAllGo(mustCompile(params.from), fileName, params.to);
}

interface UploadOptions {
  acl: string;
  contentType: string;
  serverSideEncryption: string;
  kmsKeyId: string;
  disableMultipart: boolean;
  checksumAlgorithm: string;
}

/**
 * UploadFile: one PutObject below the 5 MiB part size (or always, with
 * disable_multipart), a multipart upload above it with parts grown so that
 * 10,000 are enough. Both stream the file; a multipart upload holds at most
 * queueSize parts in memory. Returns the version id, "" when there is none.
 */
async function uploadFile(access: S3Access, key: string, localPath: string, options: UploadOptions, signal: AbortSignal): Promise<string> {
  const size = (await stat(localPath)).size;
  const params: PutObjectCommandInput = {
    Bucket: access.bucket,
    Key: key,
    ACL: options.acl as PutObjectCommandInput["ACL"],
    ...(options.serverSideEncryption !== "" && { ServerSideEncryption: options.serverSideEncryption as PutObjectCommandInput["ServerSideEncryption"] }),
    ...(options.kmsKeyId !== "" && { SSEKMSKeyId: options.kmsKeyId }),
    ...(options.contentType !== "" && { ContentType: options.contentType }),
    ...(options.checksumAlgorithm !== "" && { ChecksumAlgorithm: options.checksumAlgorithm as PutObjectCommandInput["ChecksumAlgorithm"] }),
  };
  if (options.disableMultipart || size < MIN_PART_SIZE) {
    const out = await send<PutObjectCommandOutput>(
      access,
      "PutObject",
      new PutObjectCommand({ ...params, Body: createReadStream(localPath), ContentLength: size }),
      signal,
    );
    return out.VersionId ?? "";
  }
  const partSize = Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS));
  const { Upload } = await libStorage();
  const upload = new Upload({
    client: access.client,
    params: { ...params, Body: createReadStream(localPath) },
    partSize,
    queueSize: 4,
    leavePartsOnError: false,
  });
  const onAbort = () => void upload.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const out = await upload.done();
    return (out as { VersionId?: string }).VersionId ?? "";
  } catch (e) {
    if (signal.aborted) throw e;
    throw new S3CallError(describeS3Error(e, "S3", "CompleteMultipartUpload", access.secrets), e);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

// fatih/color: only the second colour is forced on; the blinking one stays plain off a terminal
const WARNING = "WARNING:\n\x1b[37;41;1mParameters 'from/to' are deprecated, use 'file' instead\x1b[0m\n\n";

/**
 * out: finds the one file `file` matches, uploads it under the derived key
 * and answers with its path (regexp) or version id (versioned_file).
 */
export async function put(request: OutRequest<S3Source, S3PutParams>, ctx: DirectoryContext): Promise<InOutResponse<S3Version>> {
  const { source, params } = request;
  const access = await createS3(source, ctx.env);
  warnDeprecated(source, ctx);
  try {
    if (params.from !== "" || params.to !== "") ctx.logger.raw(WARNING);
    validateSource(source);
    if (params.file !== "" && params.from !== "") throw commandError("INVALID_REQUEST", "contains both file and from");
    const sourceDir = ctx.dir;
    const localPath = await matchFile(params, sourceDir);
    const key = remotePath(source, params, localPath, sourceDir);
    const versionId = await uploadFile(
      access,
      key,
      localPath,
      {
        acl: params.acl === "" ? "private" : params.acl,
        contentType: params.contentType,
        serverSideEncryption: source.serverSideEncryption,
        kmsKeyId: source.sseKmsKeyId,
        disableMultipart: source.disableMultipart,
        checksumAlgorithm: source.checksumAlgorithm,
      },
      ctx.signal,
    );
    let version: S3Version;
    if (source.versionedFile !== "") {
      if (versionId === "") throw commandError("OPERATION_FAILED", "object versioning not enabled");
      version = { version_id: versionId };
    } else {
      version = { path: key };
    }
    const metadata: MetadataField[] = [{ name: "filename", value: key.split("/").pop() || "." }];
    if (!source.private) metadata.push({ name: "url", value: await objectUrl(access, key, false, versionId) });
    return { version, metadata };
  } catch (e) {
    if (e instanceof PanicSignal) throw e.toJetwayError();
    if (e instanceof S3CallError) throw commandError("OPERATION_FAILED", e.message, e);
    if (e instanceof Error && "code" in e && typeof (e as NodeJS.ErrnoException).syscall === "string") {
      throw commandError("OPERATION_FAILED", (e as Error).message, e);
    }
    throw e;
  } finally {
    access.client.destroy();
  }
}

import { decodeFirstGoJson, GoJsonSyntaxError, goJsonKind, isJsonObject, type JsonValue } from "../../src/compat/go-json.ts";
import type { CheckRequest, InRequest, OutRequest } from "../../src/protocol/types.ts";
import { fatal } from "./errors.ts";
import { getParamsSchema, putParamsSchema, sourceSchema, versionSchema, type S3Version } from "./schema.ts";

/**
 * Requests decoded as upstream's json.Decoder fills its structs: the first
 * JSON value on stdin, keys matched case-insensitively, unknown keys ignored,
 * null leaves a field at its zero value, and the first value of a wrong JSON
 * type is what is reported (decoding goes on past it). Every field upstream
 * has is a string or a bool, so one flat decoder serves all four structs.
 */

export interface S3Source {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  awsRoleArn: string;
  bucket: string;
  regexp: string;
  versionedFile: string;
  private: boolean;
  regionName: string;
  useAwsCredsProvider: boolean;
  cloudfrontUrl: string;
  endpoint: string;
  disableSsl: boolean;
  serverSideEncryption: string;
  sseKmsKeyId: string;
  useV2Signing: boolean;
  skipSslVerification: boolean;
  caBundle: string;
  skipDownload: boolean;
  initialVersion: string;
  initialPath: string;
  initialContentText: string;
  initialContentBinary: string;
  disableMultipart: boolean;
  usePathStyle: boolean;
  skipS3Checksums: boolean;
  checksumAlgorithm: string;
}

export interface S3GetParams {
  unpack: boolean;
  /** a string, as upstream: "" means unset, anything else must parse as a Go bool */
  skipDownload: string;
  downloadTags: boolean;
}

export interface S3PutParams {
  from: string;
  file: string;
  to: string;
  acl: string;
  contentType: string;
}

type FieldKind = "string" | "bool";
type StructSpec<T> = { goName: string; fields: ReadonlyArray<readonly [json: string, key: keyof T, kind: FieldKind]> };

const SOURCE: StructSpec<S3Source> = {
  goName: "s3resource.Source",
  fields: [
    ["access_key_id", "accessKeyId", "string"],
    ["secret_access_key", "secretAccessKey", "string"],
    ["session_token", "sessionToken", "string"],
    ["aws_role_arn", "awsRoleArn", "string"],
    ["bucket", "bucket", "string"],
    ["regexp", "regexp", "string"],
    ["versioned_file", "versionedFile", "string"],
    ["private", "private", "bool"],
    ["region_name", "regionName", "string"],
    ["enable_aws_creds_provider", "useAwsCredsProvider", "bool"],
    ["cloudfront_url", "cloudfrontUrl", "string"],
    ["endpoint", "endpoint", "string"],
    ["disable_ssl", "disableSsl", "bool"],
    ["server_side_encryption", "serverSideEncryption", "string"],
    ["sse_kms_key_id", "sseKmsKeyId", "string"],
    ["use_v2_signing", "useV2Signing", "bool"],
    ["skip_ssl_verification", "skipSslVerification", "bool"],
    ["ca_bundle", "caBundle", "string"],
    ["skip_download", "skipDownload", "bool"],
    ["initial_version", "initialVersion", "string"],
    ["initial_path", "initialPath", "string"],
    ["initial_content_text", "initialContentText", "string"],
    ["initial_content_binary", "initialContentBinary", "string"],
    ["disable_multipart", "disableMultipart", "bool"],
    ["use_path_style", "usePathStyle", "bool"],
    ["skip_s3_checksums", "skipS3Checksums", "bool"],
    ["checksum_algorithm", "checksumAlgorithm", "string"],
  ],
};

interface VersionFields {
  path: string;
  versionId: string;
}
const VERSION: StructSpec<VersionFields> = {
  goName: "s3resource.Version",
  fields: [
    ["path", "path", "string"],
    ["version_id", "versionId", "string"],
  ],
};
const GET_PARAMS: StructSpec<S3GetParams> = {
  goName: "in.Params",
  fields: [
    ["unpack", "unpack", "bool"],
    ["skip_download", "skipDownload", "string"],
    ["download_tags", "downloadTags", "bool"],
  ],
};
const PUT_PARAMS: StructSpec<S3PutParams> = {
  goName: "out.Params",
  fields: [
    ["from", "from", "string"],
    ["file", "file", "string"],
    ["to", "to", "string"],
    ["acl", "acl", "string"],
    ["content_type", "contentType", "string"],
  ],
};

function zero<T>(spec: StructSpec<T>): T {
  const out: Record<string, unknown> = {};
  for (const [, key, kind] of spec.fields) out[key as string] = kind === "bool" ? false : "";
  return out as T;
}

/** encoding/json's field match: exact name first, then ignoring case. */
function fieldOf<T>(spec: StructSpec<T>, key: string): (typeof spec.fields)[number] | undefined {
  return spec.fields.find(([json]) => json === key) ?? spec.fields.find(([json]) => json.toLowerCase() === key.toLowerCase());
}

interface Decoding {
  saved: string | undefined;
}

function fillStruct<T>(spec: StructSpec<T>, target: T, value: JsonValue, place: { parent: string; field: string }, d: Decoding): Record<string, JsonValue> {
  const raw: Record<string, JsonValue> = {};
  if (value === null) return raw;
  if (!isJsonObject(value)) {
    d.saved ??= `json: cannot unmarshal ${goJsonKind(value)} into Go struct field ${place.parent}.${place.field} of type ${spec.goName}`;
    return raw;
  }
  const structName = spec.goName.slice(spec.goName.indexOf(".") + 1);
  for (const [key, v] of Object.entries(value)) {
    const field = fieldOf(spec, key);
    if (field === undefined || v === null) continue;
    const [json, name, kind] = field;
    if ((kind === "string" && typeof v === "string") || (kind === "bool" && typeof v === "boolean")) {
      (target as Record<string, unknown>)[name as string] = v;
      raw[json] = v;
    } else {
      d.saved ??= `json: cannot unmarshal ${goJsonKind(v)} into Go struct field ${structName}.${place.field}.${json} of type ${kind}`;
    }
  }
  return raw;
}

type Op = "check" | "in" | "out";

interface Decoded {
  source: S3Source;
  version: VersionFields;
  getParams: S3GetParams;
  putParams: S3PutParams;
}

function readError(message: string, code: "MALFORMED_REQUEST" | "INVALID_REQUEST") {
  return fatal(code, "reading request from stdin", message);
}

function decode(stdin: string, op: Op): Decoded {
  let value: JsonValue;
  try {
    value = decodeFirstGoJson(stdin);
  } catch (e) {
    if (e instanceof GoJsonSyntaxError) throw readError(e.message, "MALFORMED_REQUEST");
    throw e;
  }
  const out: Decoded = { source: zero(SOURCE), version: zero(VERSION), getParams: zero(GET_PARAMS), putParams: zero(PUT_PARAMS) };
  const d: Decoding = { saved: undefined };
  const raw: { source: Record<string, JsonValue>; version: Record<string, JsonValue>; params: Record<string, JsonValue> } = {
    source: {},
    version: {},
    params: {},
  };
  const parent = "Request";
  const top = op === "out" ? ["source", "params"] : op === "in" ? ["source", "version", "params"] : ["source", "version"];
  if (value !== null && !isJsonObject(value)) {
    d.saved = `json: cannot unmarshal ${goJsonKind(value)} into Go value of type ${op}.Request`;
  } else if (value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const field = top.find((f) => f === key) ?? top.find((f) => f.toLowerCase() === key.toLowerCase());
      if (field === "source") raw.source = { ...raw.source, ...fillStruct(SOURCE, out.source, v, { parent, field }, d) };
      else if (field === "version") raw.version = { ...raw.version, ...fillStruct(VERSION, out.version, v, { parent, field }, d) };
      else if (field === "params" && op === "in") raw.params = { ...raw.params, ...fillStruct(GET_PARAMS, out.getParams, v, { parent, field }, d) };
      else if (field === "params") raw.params = { ...raw.params, ...fillStruct(PUT_PARAMS, out.putParams, v, { parent, field }, d) };
    }
  }
  if (d.saved !== undefined) throw readError(d.saved, "INVALID_REQUEST");

  // Go has accepted it; the schemas must agree (checksum_algorithm is judged later, as upstream does)
  const { checksum_algorithm: _ignored, ...sourceRest } = raw.source;
  const checks = [
    sourceSchema.safeParse(sourceRest),
    versionSchema.safeParse(raw.version),
    (op === "in" ? getParamsSchema : putParamsSchema).safeParse(raw.params),
  ];
  for (const c of checks) {
    if (!c.success) throw readError(c.error.issues[0]?.message ?? "invalid request", "INVALID_REQUEST");
  }
  return out;
}

function toVersion(v: VersionFields): S3Version {
  const version: S3Version = {};
  if (v.path !== "") version.path = v.path;
  if (v.versionId !== "") version.version_id = v.versionId;
  return version;
}

/** check's version: null when absent or empty (Go's zero Version). */
export function decodeCheck(stdin: string): CheckRequest<S3Source, S3Version> {
  const d = decode(stdin, "check");
  const version = toVersion(d.version);
  return { source: d.source, version: Object.keys(version).length === 0 ? null : version };
}

export function decodeIn(stdin: string): InRequest<S3Source, S3Version, S3GetParams> {
  const d = decode(stdin, "in");
  return { source: d.source, version: toVersion(d.version), params: d.getParams };
}

export function decodeOut(stdin: string): OutRequest<S3Source, S3PutParams> {
  const d = decode(stdin, "out");
  return { source: d.source, params: d.putParams };
}

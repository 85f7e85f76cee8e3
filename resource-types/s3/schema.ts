import * as z from "zod";

/**
 * The s3 resource's configuration (reference §3). Upstream ignores unknown
 * keys, so objects are loose; every field may be absent or null, which Go
 * reads as its zero value. decode.ts reproduces Go's decoding and wording;
 * these schemas describe the same shapes for JSON Schema and for callers.
 */

const text = (description: string) => z.string().nullable().optional().describe(description);
const flag = (description: string) => z.boolean().nullable().optional().describe(description);

export const CHECKSUM_ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const;

export const sourceSchema = z.looseObject({
  bucket: text("the bucket's name"),
  regexp: text("pattern of the keys, the first group (or the one named `version`) being the version; exclusive with versioned_file"),
  versioned_file: text("key of an object in a versioned bucket, versioned by S3's version ids; exclusive with regexp"),
  access_key_id: text("access key; anonymous requests without it (unless aws_role_arn or enable_aws_creds_provider)"),
  secret_access_key: text("secret key, paired with access_key_id"),
  session_token: text("STS session token for temporary credentials"),
  aws_role_arn: text("role assumed through STS before any request"),
  enable_aws_creds_provider: flag("use the SDK's default credential chain (environment, profile, instance role)"),
  region_name: text("the bucket's region; default us-east-1"),
  endpoint: text("S3-compatible endpoint; a bare host gets https:// (http:// with disable_ssl)"),
  use_path_style: flag("address the bucket in the path rather than the host name"),
  disable_ssl: flag("http:// for a bare endpoint host"),
  skip_ssl_verification: flag("accept any TLS certificate"),
  ca_bundle: text("PEM certificates trusted in addition to the system ones"),
  disable_multipart: flag("upload in one request whatever the size"),
  skip_s3_checksums: flag("send and check checksums only where S3 requires them"),
  checksum_algorithm: z.enum(CHECKSUM_ALGORITHMS).nullable().optional().describe("checksum sent with uploads"),
  server_side_encryption: text("server-side encryption of uploads, e.g. AES256 or aws:kms"),
  sse_kms_key_id: text("KMS key of aws:kms encryption"),
  private: flag("presigned (24 h) url file, and no url in metadata"),
  skip_download: flag("get writes no object file"),
  initial_path: text("regexp mode: a path emitted when the bucket has no match"),
  initial_version: text("versioned_file mode: a version id emitted when the object has no version"),
  initial_content_text: text("content of the file a get of the initial version writes"),
  initial_content_binary: text("base64 content of the file a get of the initial version writes"),
  cloudfront_url: text("deprecated, only prints a warning"),
  use_v2_signing: flag("deprecated, only prints a warning"),
});

export const versionSchema = z.looseObject({
  path: z.string().optional().describe("regexp mode: the object's key"),
  version_id: z.string().optional().describe("versioned_file mode: the S3 version id"),
});

export const getParamsSchema = z.looseObject({
  unpack: flag("unpack a tar, tgz, tbz2, zip, gz or bz2 object into the destination and remove it"),
  skip_download: z.string().nullable().optional().describe('"true" or "false" (a string, as upstream): overrides source.skip_download'),
  download_tags: flag("write the object's tags to tags.json"),
});

export const putParamsSchema = z.looseObject({
  file: text("glob of the file to upload, relative to the put's directory; exactly one match"),
  acl: text("canned ACL of the uploaded object; default private"),
  content_type: text("Content-Type of the uploaded object"),
  from: text("deprecated: regexp of the file to upload"),
  to: text("deprecated: destination key or folder"),
});

/** `{path}` in regexp mode, `{version_id}` in versioned_file mode (Go omits the empty one). */
export type S3Version = Record<string, string>;

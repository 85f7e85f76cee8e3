/**
 * The test S3 server: Ceph RGW, started by `.ci/services/ceph.sh`, which writes
 * its endpoints (http, and https with a certificate from a throwaway CA; a second
 * gateway with STS), the test user's keys and an STS role to
 * /tmp/jetway-rgw/env.json (JETWAY_RGW_ENV overrides the path). `rgwService` is
 * the probe for describeWithService (skip locally, fail under CI=true); the
 * helpers make throwaway buckets and put objects with the plain SDK, configured
 * as test-services.md says RGW needs.
 */
import { readFile } from "node:fs/promises";
import { randomBytes, X509Certificate } from "node:crypto";
import * as z from "zod";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent as HttpsAgent } from "node:https";
import type { ServiceProbe } from "./services.ts";

export const RGW_ENV_PATH = process.env.JETWAY_RGW_ENV ?? "/tmp/jetway-rgw/env.json";

const envSchema = z.object({
  endpoint: z.string().url(),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  region: z.string().min(1),
  /** the same server over https, its certificate signed by the CA in caFile */
  tlsEndpoint: z.string().url(),
  caFile: z.string().min(1),
  /**
   * the gateway with STS (AssumeRole, and S3 requests with session tokens), http and
   * https; a gateway of its own because STS changes RGW's answers to wrong keys
   */
  stsEndpoint: z.string().url(),
  stsTlsEndpoint: z.string().url(),
  /** a role the test user may assume (on the STS gateway) */
  roleArn: z.string().min(1),
  /** the buckets the role's policy allows, an IAM resource pattern (`jetway-*via-role-*`) */
  roleBuckets: z.string().min(1),
});
export type RgwEnv = z.infer<typeof envSchema> & {
  /** caFile's PEM text, for a source's ca_bundle */
  caBundle: string;
};

export async function readRgwEnv(): Promise<RgwEnv> {
  let text: string;
  try {
    text = await readFile(RGW_ENV_PATH, "utf8");
  } catch {
    throw new Error(`${RGW_ENV_PATH} is missing: run .ci/services/ceph.sh`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${RGW_ENV_PATH} is not JSON`);
  }
  const parsed = envSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${RGW_ENV_PATH} lacks ${parsed.error.issues[0]?.path.join(".") ?? "a field"}: run .ci/services/ceph.sh`);
  let caBundle: string;
  try {
    caBundle = await readFile(parsed.data.caFile, "utf8");
    new X509Certificate(caBundle);
  } catch {
    throw new Error(`${parsed.data.caFile} (caFile of ${RGW_ENV_PATH}) is not a PEM certificate: run .ci/services/ceph.sh`);
  }
  return { ...parsed.data, caBundle };
}

export function rgwClient(env: RgwEnv): S3Client {
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** The same client over https (tlsEndpoint unless told), trusting the test CA and nothing else. */
export function rgwTlsClient(env: RgwEnv, endpoint = env.tlsEndpoint): S3Client {
  return new S3Client({
    endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ ca: env.caBundle }) }),
  });
}

/** Answers when env.json is there and every endpoint lists buckets with the test keys. */
export const rgwService: ServiceProbe = {
  name: "rgw",
  async probe() {
    const env = await readRgwEnv();
    for (const [endpoint, client] of [
      [env.endpoint, rgwClient(env)],
      [env.tlsEndpoint, rgwTlsClient(env)],
      [env.stsEndpoint, rgwClient({ ...env, endpoint: env.stsEndpoint })],
      [env.stsTlsEndpoint, rgwTlsClient(env, env.stsTlsEndpoint)],
    ] as const) {
      try {
        await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(5000) });
      } catch (e) {
        return `${endpoint} does not answer (${e instanceof Error ? e.name : String(e)}): run .ci/services/ceph.sh`;
      } finally {
        client.destroy();
      }
    }
    return true;
  },
};

/** A fresh bucket with a recognisable name; versioning turned on when asked. */
export async function createTestBucket(client: S3Client, label: string, versioned = false): Promise<string> {
  const bucket = `jetway-s3-${label}-${randomBytes(4).toString("hex")}`.slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  if (versioned) {
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  }
  return bucket;
}

export async function putObject(client: S3Client, bucket: string, key: string, body: string | Uint8Array, extra: { Tagging?: string } = {}): Promise<string | undefined> {
  const out = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }));
  return out.VersionId;
}

/** Deletes every version, delete marker and unfinished upload, then the bucket. */
export async function deleteTestBucket(client: S3Client, bucket: string): Promise<void> {
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    const ids = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (ids.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: ids, Quiet: true } }));
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const u of uploads.Uploads ?? []) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/**
 * Buckets for s3 golden fixtures, on the test Ceph RGW that
 * `.ci/services/ceph.sh` starts (its address and keys in /tmp/jetway-rgw/env.json).
 *
 * Every run of a fixture through a delivery path gets a fresh bucket, seeded from
 * the fixture's `setup.s3` and deleted afterwards, so paths cannot see each
 * other's puts. Fixtures name the server and the bucket through `{{s3:...}}`
 * templates (test/fixtures/README.md), and `expect.s3Objects` checks what a put
 * left in the bucket.
 */
import { randomBytes } from "node:crypto";
import * as z from "zod";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { readRgwEnv, rgwClient, type RgwEnv } from "../support/rgw.ts";

export { rgwService } from "../support/rgw.ts";

const objectSchema = z
  .object({
    key: z.string().min(1),
    /** UTF-8 text */
    content: z.string().optional(),
    /** bytes, for archives and binary content */
    base64: z.string().optional(),
    tags: z.record(z.string(), z.string()).optional(),
    contentType: z.string().optional(),
  })
  .strict()
  .refine((o) => (o.content === undefined) !== (o.base64 === undefined), "an object needs exactly one of content or base64");

/** `setup.s3` of a fixture. */
export const s3SetupSchema = z
  .object({
    /** turn versioning on before the puts (each put of a key is then a version) */
    versioned: z.boolean().optional(),
    /** put in this order; a key put twice on a versioned bucket has two versions */
    objects: z.array(objectSchema).optional(),
  })
  .strict();
export type S3Setup = z.infer<typeof s3SetupSchema>;

const expectedObjectSchema = z.union([
  z.null(),
  z.string(),
  z.object({ content: z.string().optional(), base64: z.string().optional(), contentType: z.string().optional() }).strict(),
]);
/** `expect.s3Objects`: key -> content (text), {content|base64, contentType}, or null for "absent". */
export const s3ObjectsSchema = z.record(z.string(), expectedObjectSchema);
export type S3ObjectsExpectation = z.infer<typeof s3ObjectsSchema>;

const BUCKET_PREFIX = "jetway-golden-";
/** a bucket of ours older than this is a leftover of a killed run */
const STALE_MS = 60 * 60 * 1000;

let envPromise: Promise<RgwEnv> | undefined;

/** The env file is read once per test process: every fixture run needs it. */
export function rgwEnv(): Promise<RgwEnv> {
  envPromise ??= readRgwEnv();
  return envPromise;
}

/** The per-run state behind the `{{s3:...}}` templates and `expect.s3Objects`. */
export interface S3Fixture {
  bucket: string;
  /** expands the part after `s3:` of a template */
  expand(arg: string): string;
  /** reads the bucket's versions again, so expectations see what the run left */
  afterRun(): Promise<void>;
  /** what differs between the bucket and `expect.s3Objects` (already template-expanded) */
  problems(expected: unknown): Promise<string[]>;
  /** starts deleting every version, upload and the bucket itself (settleS3Fixtures waits for it) */
  cleanup(): Promise<void>;
}

function bucketName(fixtureName: string): string {
  const slug = fixtureName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63 - BUCKET_PREFIX.length - 9);
  return `${BUCKET_PREFIX}${slug}-${randomBytes(4).toString("hex")}`;
}

async function emptyAndDelete(client: S3Client, bucket: string): Promise<void> {
  try {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await client.send(
        new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
      );
      const ids = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
      if (ids.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: ids, Quiet: true } }));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
    try {
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (e) {
      // an interrupted multipart upload keeps a bucket from being deleted
      if (!(e instanceof S3ServiceException && e.name === "BucketNotEmpty")) throw e;
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      for (const u of uploads.Uploads ?? []) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
      }
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    }
  } catch (e) {
    if (e instanceof S3ServiceException && e.name === "NoSuchBucket") return;
    throw e;
  }
}

let sweep: Promise<void> | undefined;
/** deletions started by cleanup(), so a run need not wait for each */
const pending = new Set<Promise<void>>();

/** Waits for every bucket deletion started so far (call once the fixtures are done). */
export async function settleS3Fixtures(): Promise<void> {
  await Promise.all([...pending]);
}

/** Deletes buckets of ours that a killed run left behind (once per process). */
function sweepStale(client: S3Client): Promise<void> {
  sweep ??= (async () => {
    const { Buckets = [] } = await client.send(new ListBucketsCommand({}));
    const old = Buckets.filter(
      (b) => b.Name?.startsWith(BUCKET_PREFIX) && b.CreationDate && Date.now() - b.CreationDate.getTime() > STALE_MS,
    );
    for (const b of old) await emptyAndDelete(client, b.Name!).catch(() => undefined);
  })();
  return sweep;
}

/** Bytes of an object body, or undefined when the key does not exist. */
async function getObject(client: S3Client, bucket: string, key: string): Promise<{ body: Buffer; contentType?: string } | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(await out.Body!.transformToByteArray());
    return { body, ...(out.ContentType !== undefined && { contentType: out.ContentType }) };
  } catch (e) {
    if (e instanceof S3ServiceException && e.name === "NoSuchKey") return undefined;
    throw e;
  }
}

/** Creates and seeds the bucket for one run of a fixture. */
export async function prepareS3Fixture(fixtureName: string, setup: unknown): Promise<S3Fixture> {
  const parsed = s3SetupSchema.safeParse(setup ?? {});
  if (!parsed.success) throw new Error(`setup.s3 of ${fixtureName}: ${z.prettifyError(parsed.error)}`);
  const env = await rgwEnv();
  const client = rgwClient(env);
  await sweepStale(client);

  const bucket = bucketName(fixtureName);
  // never created: what a fixture names when the bucket must not exist
  const absentBucket = bucketName(`${fixtureName}-absent`);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  /** key -> version ids of the setup's puts, oldest first */
  const putVersions = new Map<string, string[]>();
  /** key -> version ids as the bucket lists them, newest first (refreshed by afterRun) */
  let listed = new Map<string, string[]>();

  const readVersions = async () => {
    const out = new Map<string, string[]>();
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      for (const v of page.Versions ?? []) out.set(v.Key!, [...(out.get(v.Key!) ?? []), v.VersionId!]);
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
    listed = out;
  };

  const fixture: S3Fixture = {
    bucket,
    expand(arg) {
      switch (arg) {
        case "endpoint":
          return env.endpoint;
        case "host":
          return new URL(env.endpoint).host;
        case "region":
          return env.region;
        case "access_key_id":
          return env.accessKeyId;
        case "secret_access_key":
          return env.secretAccessKey;
        case "bucket":
          return bucket;
        case "absent_bucket":
          return absentBucket;
        case "tls_endpoint":
          return env.tlsEndpoint;
        case "sts_endpoint":
          return env.stsEndpoint;
        case "sts_tls_endpoint":
          return env.stsTlsEndpoint;
        case "ca_bundle":
          return env.caBundle;
        case "role_arn":
          return env.roleArn;
      }
      const put = /^version:(.+)#(\d+)$/.exec(arg);
      if (put) {
        const id = putVersions.get(put[1]!)?.[Number(put[2])];
        if (id === undefined) throw new Error(`{{s3:${arg}}}: setup put no version ${put[2]} of ${put[1]} (is the bucket versioned?)`);
        return id;
      }
      const latest = /^latest:(.+)$/.exec(arg);
      if (latest) {
        const id = listed.get(latest[1]!)?.[0];
        if (id === undefined) throw new Error(`{{s3:${arg}}}: the bucket holds no version of ${latest[1]}`);
        return id;
      }
      throw new Error(`unknown template {{s3:${arg}}}`);
    },
    afterRun: readVersions,
    async problems(expected) {
      const parsedExpect = s3ObjectsSchema.safeParse(expected ?? {});
      if (!parsedExpect.success) return [`expect.s3Objects: ${z.prettifyError(parsedExpect.error)}`];
      const problems: string[] = [];
      for (const [key, want] of Object.entries(parsedExpect.data)) {
        const got = await getObject(client, bucket, key);
        if (want === null) {
          if (got) problems.push(`s3 object ${key} exists, expected none`);
          continue;
        }
        if (!got) {
          problems.push(`s3 object ${key} is missing`);
          continue;
        }
        const spec = typeof want === "string" ? { content: want } : want;
        const wantBody = spec.base64 !== undefined ? Buffer.from(spec.base64, "base64") : spec.content !== undefined ? Buffer.from(spec.content) : undefined;
        if (wantBody && !wantBody.equals(got.body)) {
          problems.push(`s3 object ${key}: ${JSON.stringify(got.body.toString("utf8"))}, expected ${JSON.stringify(wantBody.toString("utf8"))}`);
        }
        if (spec.contentType !== undefined && spec.contentType !== got.contentType) {
          problems.push(`s3 object ${key}: content type ${JSON.stringify(got.contentType)}, expected ${JSON.stringify(spec.contentType)}`);
        }
      }
      return problems;
    },
    async cleanup() {
      // a bucket left behind by a failed deletion is swept by a later run
      const done: Promise<void> = emptyAndDelete(client, bucket)
        .catch(() => undefined)
        .finally(() => {
          client.destroy();
          pending.delete(done);
        });
      pending.add(done);
    },
  };

  try {
    if (parsed.data.versioned) {
      await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
    for (const o of parsed.data.objects ?? []) {
      const body = o.base64 !== undefined ? Buffer.from(o.base64, "base64") : Buffer.from(o.content!);
      const tagging = o.tags ? new URLSearchParams(o.tags).toString() : undefined;
      const out = await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: o.key,
          Body: body,
          ...(tagging !== undefined && { Tagging: tagging }),
          ...(o.contentType !== undefined && { ContentType: o.contentType }),
        }),
      );
      if (out.VersionId) putVersions.set(o.key, [...(putVersions.get(o.key) ?? []), out.VersionId]);
    }
    await readVersions();
  } catch (e) {
    await fixture.cleanup();
    throw e;
  }
  return fixture;
}

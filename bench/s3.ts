/**
 * Rows for the s3 type (issue 5): `check` over a bucket of many keys on the test
 * RGW (.ci/services/ceph.sh), time and peak RSS, side by side with what upstream
 * does: list every key into memory, then filter. Both run as child processes so
 * their peak RSS can be read (/usr/bin/time). The bucket is filled once with
 * empty objects and kept between runs by its name; filling it is never part of
 * `npm test`. Standalone: `node bench/s3.ts` (BENCH_S3_KEYS, BENCH_RUNS).
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import { readRgwEnv, rgwClient, type RgwEnv } from "../test/support/rgw.ts";
import { markdownTable, median, type BenchRow } from "./lib.ts";

const root = join(import.meta.dirname, "..");
const REGEXP = "app/app-(.*)\\.tgz";
/** written last: its content is the number of keys, so a half-filled bucket is filled again */
const MARKER = "populated";
const UPLOAD_CONCURRENCY = 32;

/** The i-th key: versions 1.<i / 1000>.<i % 1000>, so the newest is the last one put. */
function keyAt(i: number): string {
  return `app/app-1.${Math.floor(i / 1000)}.${i % 1000}.tgz`;
}

async function bucketHolds(client: S3Client, bucket: string, keys: number): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    const marker = await client.send(new GetObjectCommand({ Bucket: bucket, Key: MARKER }));
    return (await marker.Body!.transformToString()) === String(keys);
  } catch (e) {
    if (e instanceof S3ServiceException && ["NotFound", "NoSuchKey", "NoSuchBucket"].includes(e.name)) return false;
    throw e;
  }
}

/** Fills the bucket with `keys` empty objects unless an earlier run did; returns whether it had to. */
export async function populateBucket(client: S3Client, bucket: string, keys: number): Promise<boolean> {
  if (await bucketHolds(client, bucket, keys)) return false;
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((e: unknown) => {
    if (!(e instanceof S3ServiceException && ["BucketAlreadyOwnedByYou", "BucketAlreadyExists"].includes(e.name))) throw e;
  });
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < keys; i = next++) {
      // an explicit length: the SDK warns about a body of unknown length otherwise
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: keyAt(i), Body: new Uint8Array(0), ContentLength: 0 }));
      if (i > 0 && i % 20_000 === 0) console.error(`  ${i} of ${keys} keys (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: UPLOAD_CONCURRENCY }, worker));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: MARKER, Body: String(keys) }));
  console.error(`  filled ${bucket} with ${keys} keys in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return true;
}

interface ChildRun {
  ms: number;
  peakRssKb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time and returns its wall time, peak RSS and stdout. */
function timed(command: string, args: string[], stdin: string, env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "JETWAY_PEAK_RSS_KB=%M", command, ...args], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      const rss = /JETWAY_PEAK_RSS_KB=(\d+)/.exec(stderr);
      if (code !== 0 || !rss) return reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr.trim()}`));
      resolve({ ms, peakRssKb: Number(rss[1]), stdout });
    });
    child.stdin.end(stdin);
  });
}

/**
 * Upstream's shape of work, on the same SDK: ListObjectsV2 page after page with
 * every key kept in one array, then the regexp over all of them (its walk lists
 * a directory whole before matching). Prints how many keys matched.
 */
const referenceScript = `
import { S3Client, ListObjectsV2Command } from "@aws-sdk/client-s3";
const e = JSON.parse(process.env.BENCH_RGW);
const s3 = new S3Client({ endpoint: e.endpoint, region: e.region, forcePathStyle: true,
  credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey } });
const keys = [];
let token;
do {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: process.env.BENCH_BUCKET, Prefix: "app/", Delimiter: "/", ContinuationToken: token }));
  for (const o of page.Contents ?? []) keys.push(o.Key);
  token = page.IsTruncated ? page.NextContinuationToken : undefined;
} while (token);
const re = new RegExp("^" + process.env.BENCH_REGEXP + "$");
console.log(keys.filter((k) => re.test(k)).length);
`;

function reference(env: RgwEnv, bucket: string): Promise<ChildRun> {
  return timed(process.execPath, ["--input-type=module", "-e", referenceScript], "", {
    ...process.env,
    BENCH_RGW: JSON.stringify(env),
    BENCH_BUCKET: bucket,
    BENCH_REGEXP: REGEXP,
  });
}

/**
 * The built entry point. `viaShebang` executes it as Concourse does, so the
 * node flags its first line names apply (with this node first on PATH);
 * otherwise this node runs it with no flags, to show what they are worth.
 */
function jetwayCheck(env: RgwEnv, bucket: string, viaShebang: boolean, cursor?: string): Promise<ChildRun> {
  const request = {
    source: { endpoint: env.endpoint, access_key_id: env.accessKeyId, secret_access_key: env.secretAccessKey, bucket, regexp: REGEXP },
    ...(cursor && { version: { path: cursor } }),
  };
  const entry = join(root, "dist/resource-types/s3/check");
  const path = `${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`;
  return viaShebang ? timed(entry, [], JSON.stringify(request), { PATH: path }) : timed(process.execPath, [entry], JSON.stringify(request), { PATH: path });
}

/** Median wall time and the highest peak RSS over `runs` runs. */
async function measure(runs: number, run: () => Promise<ChildRun>, check: (r: ChildRun) => void): Promise<{ ms: number; peakMb: number }> {
  let peakKb = 0;
  const ms = await median(
    runs,
    async () => {
      const r = await run();
      check(r);
      peakKb = Math.max(peakKb, r.peakRssKb);
    },
    1,
  );
  return { ms, peakMb: peakKb / 1024 };
}

export async function s3BenchRows(runs: number, keys = 100_000): Promise<BenchRow[]> {
  const env = await readRgwEnv();
  const client = rgwClient(env);
  const bucket = `jetway-bench-keys-${keys}`;
  try {
    await populateBucket(client, bucket, keys);
  } finally {
    client.destroy();
  }
  const newest = keyAt(keys - 1);
  const n = Math.max(3, Math.floor(runs / 10));
  const label = `${keys.toLocaleString("en-US")} keys`;

  const ref = await measure(n, () => reference(env, bucket), (r) => {
    if (Number(r.stdout.trim()) !== keys) throw new Error(`reference listing matched ${r.stdout.trim()} keys, expected ${keys}`);
  });
  const answersNewest = (r: ChildRun) => {
    if (r.stdout !== `[{"path":"${newest}"}]\n`) throw new Error(`jetway check printed ${r.stdout.slice(0, 200)}`);
  };
  const latest = await measure(n, () => jetwayCheck(env, bucket, true), answersNewest);
  const cursor = await measure(n, () => jetwayCheck(env, bucket, true, newest), answersNewest);
  const unflagged = await measure(n, () => jetwayCheck(env, bucket, false), answersNewest);

  const refName = `s3 check, ${label}: SDK list loop keeping every key (upstream's way)`;
  return [
    { name: refName, medianMs: ref.ms, note: `peak RSS ${ref.peakMb.toFixed(0)} MB (child process)` },
    {
      name: `s3 check, ${label}: jetway entry point, no cursor`,
      medianMs: latest.ms,
      baseline: refName,
      note: `peak RSS ${latest.peakMb.toFixed(0)} MB (goal: flat, < 100 MB; the reference: ${ref.peakMb.toFixed(0)} MB)`,
    },
    {
      name: `s3 check, ${label}: jetway entry point, cursor at the newest`,
      medianMs: cursor.ms,
      baseline: refName,
      note: `peak RSS ${cursor.peakMb.toFixed(0)} MB`,
    },
    {
      name: `s3 check, ${label}: same bundle under plain node (without the entry point's --max-semi-space-size)`,
      medianMs: unflagged.ms,
      baseline: refName,
      note: `peak RSS ${unflagged.peakMb.toFixed(0)} MB`,
    },
  ];
}

if (import.meta.main) {
  const runs = Number(process.env.BENCH_RUNS ?? 30);
  console.log(markdownTable(await s3BenchRows(runs, Number(process.env.BENCH_S3_KEYS ?? 100_000))));
}

/**
 * Rows for the s3 type (issue 5): `in` and `out` of one large object on the test
 * RGW, in-process, side by side with the raw SDK call that does the same
 * transfer: GetObject streamed to a file, and lib-storage's Upload of the file
 * with its defaults. The two sides alternate run by run, so a busy machine slows
 * both alike. Standalone: `node bench/s3-transfer.ts` (BENCH_S3_MB, BENCH_RUNS).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { randomFillSync } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { s3Type } from "../resource-types/s3/index.ts";
import { runOperation } from "../src/protocol/entry.ts";
import { readRgwEnv, rgwClient } from "../test/support/rgw.ts";
import { markdownTable, medianPair, type BenchRow } from "./lib.ts";

const BUCKET = "jetway-bench-transfer";

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const file = await open(path, "w");
  const chunk = Buffer.alloc(8 << 20);
  try {
    for (let done = 0; done < bytes; done += chunk.length) {
      randomFillSync(chunk);
      await file.write(chunk, 0, Math.min(chunk.length, bytes - done));
    }
  } finally {
    await file.close();
  }
}

async function jetway(op: "in" | "out", dir: string, request: unknown): Promise<void> {
  let stderr = "";
  const r = await runOperation(s3Type, op, [dir], {
    stdin: JSON.stringify(request),
    env: {},
    writeStdout: () => undefined,
    writeStderr: (t) => (stderr += t),
  });
  if (r.exitCode !== 0) throw new Error(`jetway ${op} failed: ${stderr}`);
}

export async function s3TransferBenchRows(runs: number, megabytes = 200): Promise<BenchRow[]> {
  const env = await readRgwEnv();
  const client: S3Client = rgwClient(env);
  const work = await mkdtemp(join(tmpdir(), "jetway-bench-s3-transfer-"));
  const bytes = megabytes * 1024 * 1024;
  const key = `big/object-1.0.${megabytes}.bin`;
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: unknown) => {
      if (!(e instanceof S3ServiceException && ["BucketAlreadyOwnedByYou", "BucketAlreadyExists"].includes(e.name))) throw e;
    });
    const src = join(work, "src");
    await mkdir(src);
    const file = join(src, `object-1.0.${megabytes}.bin`);
    await writeRandomFile(file, bytes);
    const source = {
      endpoint: env.endpoint,
      access_key_id: env.accessKeyId,
      secret_access_key: env.secretAccessKey,
      bucket: BUCKET,
      regexp: "big/object-(.*)\\.bin",
    };
    let n = 0;
    const dest = async () => {
      const dir = join(work, `dest-${n++}`);
      await mkdir(dir);
      return dir;
    };

    const [sdkOut, jwOut] = await medianPair(
      runs,
      async () => {
        await new Upload({ client, params: { Bucket: BUCKET, Key: key, Body: createReadStream(file) } }).done();
      },
      () => jetway("out", src, { source, params: { file: "object-*.bin" } }),
    );
    const [sdkIn, jwIn] = await medianPair(
      runs,
      async () => {
        const dir = await dest();
        const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        await pipeline(got.Body as NodeJS.ReadableStream, createWriteStream(join(dir, "object.bin")));
        await rm(dir, { recursive: true });
      },
      async () => {
        const dir = await dest();
        await jetway("in", dir, { source, version: { path: key } });
        await rm(dir, { recursive: true });
      },
    );
    const mbps = (ms: number) => `${(megabytes / (ms / 1000)).toFixed(0)} MiB/s`;
    const label = `${megabytes} MiB object on RGW`;
    const outRef = `s3 out, ${label}: raw SDK (lib-storage Upload, its defaults)`;
    const inRef = `s3 in, ${label}: raw SDK (GetObject streamed to a file)`;
    return [
      { name: outRef, medianMs: sdkOut, note: mbps(sdkOut) },
      { name: `s3 out, ${label}: jetway in-process`, medianMs: jwOut, baseline: outRef, note: `${mbps(jwOut)}; goal: ratio >= 0.9` },
      { name: inRef, medianMs: sdkIn, note: mbps(sdkIn) },
      { name: `s3 in, ${label}: jetway in-process`, medianMs: jwIn, baseline: inRef, note: `${mbps(jwIn)}; goal: ratio >= 0.9` },
    ];
  } finally {
    client.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  console.log(markdownTable(await s3TransferBenchRows(runs, Number(process.env.BENCH_S3_MB ?? 200))));
}

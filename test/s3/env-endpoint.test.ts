/**
 * A source without `endpoint`: the S3 endpoint is AWS's unless the operation's
 * environment names one (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL), as the Go
 * SDK reads its own container's environment. In-process, this process's
 * environment is the runner's: it must not leak into a step.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestBucket, deleteTestBucket, putObject, readRgwEnv, rgwClient, rgwService, type RgwEnv } from "../support/rgw.ts";
import { describeWithService } from "../support/services.ts";
import { checkInProcess } from "./check-in-process.ts";

/** nothing listens on port 1 */
const REFUSED = "http://127.0.0.1:1";
const KEY = "app/file-1.0.0.tgz";

const check = checkInProcess;

await describeWithService(rgwService, "s3 without a source endpoint: AWS_ENDPOINT_URL_S3 of the operation's environment", () => {
  let env: RgwEnv;
  let client: S3Client;
  let bucket: string;
  const source = () => ({ access_key_id: env.accessKeyId, secret_access_key: env.secretAccessKey, bucket, regexp: "app/file-(.*)\\.tgz" });

  beforeAll(async () => {
    env = await readRgwEnv();
    client = rgwClient(env);
    bucket = await createTestBucket(client, "env-endpoint");
    await putObject(client, bucket, KEY, "one\n");
  });

  afterAll(async () => {
    if (bucket) await deleteTestBucket(client, bucket);
    client?.destroy();
  });

  it("uses the operation's AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, and never this process's", async () => {
    const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, all: process.env.AWS_ENDPOINT_URL };
    try {
      // the SDK on its own would read process.env: point it where nothing answers
      process.env.AWS_ENDPOINT_URL_S3 = REFUSED;
      process.env.AWS_ENDPOINT_URL = REFUSED;
      expect(await check(source(), { AWS_ENDPOINT_URL_S3: env.endpoint })).toEqual({ exitCode: 0, stdout: `[{"path":"${KEY}"}]\n`, stderr: "" });
      expect(await check(source(), { AWS_ENDPOINT_URL: env.endpoint })).toEqual({ exitCode: 0, stdout: `[{"path":"${KEY}"}]\n`, stderr: "" });

      // RGW named only in this process's environment is not used; the step's own REFUSED is
      process.env.AWS_ENDPOINT_URL_S3 = env.endpoint;
      process.env.AWS_ENDPOINT_URL = env.endpoint;
      const run = await check(source(), { AWS_ENDPOINT_URL_S3: REFUSED });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^[^\n]*error listing files: [^\n]*dial tcp 127\.0\.0\.1:1: connect: connection refused\n[^\n]*$/);
    } finally {
      for (const [name, value] of [["AWS_ENDPOINT_URL_S3", saved.s3], ["AWS_ENDPOINT_URL", saved.all]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

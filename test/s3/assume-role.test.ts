/**
 * aws_role_arn against the test RGW's STS gateway (.ci/services/ceph.sh sets up
 * the role: the test user may assume it, and its policy allows only buckets named
 * like env.roleBuckets). The golden fixtures run check/in/out through every delivery
 * path; here, in-process only, what they cannot show:
 * - that the role's credentials, not the keys', are the ones used: one bucket, the
 *   same source with and without aws_role_arn;
 * - that the STS endpoint comes from the operation's environment, never from this
 *   process's (in-process, that is the runner's), with aws-sdk-go-v2's precedence.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { environmentEndpoint } from "../../resource-types/s3/credential-chain.ts";
import { createTestBucket, deleteTestBucket, putObject, readRgwEnv, rgwClient, rgwService, type RgwEnv } from "../support/rgw.ts";
import { describeWithService } from "../support/services.ts";
import { checkInProcess } from "./check-in-process.ts";

/** nothing listens on port 1: an STS endpoint that is used fails with "connection refused" */
const REFUSED = "http://127.0.0.1:1";
const KEY = "app/file-1.0.0.tgz";


const check = checkInProcess;

describe("environmentEndpoint (aws-sdk-go-v2's order)", () => {
  it("takes the service's variable first, then the general one", () => {
    expect(environmentEndpoint({ AWS_ENDPOINT_URL_STS: "http://sts", AWS_ENDPOINT_URL: "http://all" }, "STS")).toBe("http://sts");
    expect(environmentEndpoint({ AWS_ENDPOINT_URL: "http://all" }, "STS")).toBe("http://all");
    expect(environmentEndpoint({ AWS_ENDPOINT_URL_STS: "", AWS_ENDPOINT_URL: "http://all" }, "STS")).toBe("http://all");
    expect(environmentEndpoint({}, "STS")).toBeUndefined();
  });

  it("names the service's variable after its id, spaces as underscores", () => {
    expect(environmentEndpoint({ AWS_ENDPOINT_URL_ELASTIC_BEANSTALK: "http://eb" }, "Elastic Beanstalk")).toBe("http://eb");
    expect(environmentEndpoint({ AWS_ENDPOINT_URL_S3: "http://s3" }, "STS")).toBeUndefined();
  });

  it("gives nothing when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true", () => {
    expect(environmentEndpoint({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "TRUE", AWS_ENDPOINT_URL_STS: "http://sts" }, "STS")).toBeUndefined();
    expect(environmentEndpoint({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false", AWS_ENDPOINT_URL_STS: "http://sts" }, "STS")).toBe("http://sts");
  });
});

await describeWithService(rgwService, "s3 aws_role_arn on RGW's STS", () => {
  let env: RgwEnv;
  let client: S3Client;
  /** named so that the role's policy allows it */
  let allowed: string;
  /** the user's own bucket, outside the role's policy */
  let outside: string;
  const source = (bucket: string, over: Record<string, unknown> = {}) => ({
    endpoint: env.stsEndpoint,
    access_key_id: env.accessKeyId,
    secret_access_key: env.secretAccessKey,
    bucket,
    regexp: "app/file-(.*)\\.tgz",
    ...over,
  });
  const found = `[{"path":"${KEY}"}]\n`;

  beforeAll(async () => {
    env = await readRgwEnv();
    client = rgwClient(env);
    allowed = await createTestBucket(client, "via-role");
    outside = await createTestBucket(client, "role-outside");
    await putObject(client, allowed, KEY, "one\n");
    await putObject(client, outside, KEY, "one\n");
  });

  afterAll(async () => {
    for (const bucket of [allowed, outside]) if (bucket) await deleteTestBucket(client, bucket);
    client?.destroy();
  });

  it("the test buckets are named for the role's policy as env.json says", () => {
    // ceph.sh's pattern is jetway-*via-role-*: the test relies on these names, not on luck
    expect(env.roleBuckets).toBe("jetway-*via-role-*");
    expect(allowed).toMatch(/^jetway-.*via-role-/);
    expect(outside).not.toMatch(/via-role-/);
  });

  it("runs as the role: a bucket the keys may list is refused once the role is assumed", async () => {
    const sts = { AWS_ENDPOINT_URL_STS: env.stsEndpoint };
    const asUser = await check(source(outside), sts);
    expect(asUser).toEqual({ exitCode: 0, stdout: found, stderr: "" });

    const asRole = await check(source(outside, { aws_role_arn: env.roleArn }), sts);
    expect(asRole.exitCode).toBe(1);
    expect(asRole.stdout).toBe("");
    expect(asRole.stderr).toMatch(/^[^\n]*error listing files: operation error S3: ListObjectsV2, https response error StatusCode: 403, [^\n]*api error AccessDenied: [^\n]*\n[^\n]*$/);
    expect(asRole.stderr).not.toContain(env.secretAccessKey);

    const allowedAsRole = await check(source(allowed, { aws_role_arn: env.roleArn }), sts);
    expect(allowedAsRole).toEqual({ exitCode: 0, stdout: found, stderr: "" });
  });

  it("takes the STS endpoint from the operation's environment, not this process's", async () => {
    const saved = process.env.AWS_ENDPOINT_URL_STS;
    try {
      // the SDK on its own would read process.env: point it where nothing answers
      process.env.AWS_ENDPOINT_URL_STS = REFUSED;
      const run = await check(source(allowed, { aws_role_arn: env.roleArn }), { AWS_ENDPOINT_URL_STS: env.stsEndpoint });
      expect(run).toEqual({ exitCode: 0, stdout: found, stderr: "" });

      // and the other way round: RGW named only in this process's environment is not used
      process.env.AWS_ENDPOINT_URL_STS = env.stsEndpoint;
      const unnamed = await check(source(allowed, { aws_role_arn: env.roleArn }), {});
      expect(unnamed.exitCode).toBe(1);
      expect(unnamed.stdout).toBe("");
      expect(unnamed.stderr).toMatch(/^[^\n]*error error creating aws config: error assuming role: operation error STS: AssumeRole, [^\n]*\n[^\n]*$/);
      expect(unnamed.stderr).not.toContain("127.0.0.1");
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = saved;
    }
  });

  it("uses AWS_ENDPOINT_URL when no STS endpoint is named, the STS one first when both are", async () => {
    const viaGeneral = await check(source(allowed, { aws_role_arn: env.roleArn }), { AWS_ENDPOINT_URL: env.stsEndpoint });
    expect(viaGeneral).toEqual({ exitCode: 0, stdout: found, stderr: "" });

    const stsFirst = await check(source(allowed, { aws_role_arn: env.roleArn }), { AWS_ENDPOINT_URL_STS: env.stsEndpoint, AWS_ENDPOINT_URL: REFUSED });
    expect(stsFirst).toEqual({ exitCode: 0, stdout: found, stderr: "" });

    const stsRefused = await check(source(allowed, { aws_role_arn: env.roleArn }), { AWS_ENDPOINT_URL_STS: REFUSED, AWS_ENDPOINT_URL: env.stsEndpoint });
    expect(stsRefused.exitCode).toBe(1);
    // STS's failures are worded as S3's are: Go names the request and the dial
    expect(stsRefused.stderr).toContain(
      `error assuming role: operation error STS: AssumeRole, exceeded maximum number of attempts, 5, https response error StatusCode: 0, RequestID: , HostID: , request send failed, Post "${REFUSED}/": dial tcp 127.0.0.1:1: connect: connection refused\n`,
    );
  });

  it("ignores the environment's endpoints when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true", async () => {
    const run = await check(source(allowed, { aws_role_arn: env.roleArn }), {
      AWS_ENDPOINT_URL_STS: env.stsEndpoint,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^[^\n]*error error creating aws config: error assuming role: operation error STS: AssumeRole, [^\n]*\n[^\n]*$/);
    expect(run.stderr).not.toContain("127.0.0.1");
  });
});

/**
 * The s3 type against a real S3: Ceph RGW from .ci/services/ceph.sh. Every
 * operation runs through runOperation, as the CLI and the entry points run it,
 * and its stdout, files and stderr are checked. Versioned buckets are RGW's own.
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketAclCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOperation } from "../../src/protocol/entry.ts";
import { JetwayError } from "../../src/protocol/errors.ts";
import { createContext } from "../../src/protocol/context.ts";
import { createTestBucket, deleteTestBucket, putObject, readRgwEnv, rgwClient, rgwService, type RgwEnv } from "../../test/support/rgw.ts";
import { describeWithService } from "../../test/support/services.ts";
import { createS3 } from "./client.ts";
import { decodeCheck } from "./decode.ts";
import { s3Type } from "./index.ts";
import { listObjectsPage } from "./list-page.ts";

let env: RgwEnv;
let client: S3Client;
let plain: string; // unversioned bucket, regexp mode
let versioned: string; // versioned bucket
let versionIds: string[] = [];
const buckets: string[] = [];

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function run(op: "check" | "in" | "out", request: unknown, dir?: string, env: Record<string, string> = {}): Promise<Run> {
  let stderr = "";
  const result = await runOperation(s3Type, op, dir === undefined ? [] : [dir], {
    stdin: JSON.stringify(request),
    env,
    writeStdout: () => undefined,
    writeStderr: (t) => (stderr += t),
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr };
}

const dirs: string[] = [];
async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `jetway-s3-${label}-`));
  dirs.push(dir);
  return dir;
}
const source = (over: Record<string, unknown>) => ({
  endpoint: env.endpoint,
  access_key_id: env.accessKeyId,
  secret_access_key: env.secretAccessKey,
  region_name: env.region,
  use_path_style: true,
  ...over,
});
const red = (line: string) => `\x1b[31m${line}\n\x1b[0m`;

async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), "utf8").catch(() => "<dir>");
  return out;
}

await describeWithService(rgwService, "s3 against Ceph RGW", () => {
  beforeAll(async () => {
    env = await readRgwEnv();
    client = rgwClient(env);
    plain = await createTestBucket(client, "plain");
    versioned = await createTestBucket(client, "versioned", true);
    buckets.push(plain, versioned);
    for (const v of ["1.0.0", "1.2.0", "1.10.0", "1.2.0-rc1", "2.0"]) await putObject(client, plain, `releases/app-${v}.tgz`, `app ${v}`);
    await putObject(client, plain, "releases/notes.txt", "not a release");
    await putObject(client, plain, "nested/v1/build-1.tgz", "v1 b1");
    await putObject(client, plain, "nested/v2/build-7.tgz", "v2 b7");
    await putObject(client, plain, "nested/w3/build-9.tgz", "w3 b9");
    await putObject(client, plain, "odd/version 1.txt", "a space is no version");
    await putObject(client, plain, "tagged/t-1.txt", "tagged", { Tagging: "team=ci&stage=%3Cbeta%3E" });
    versionIds = [];
    for (const body of ["one", "two", "three"]) versionIds.push((await putObject(client, versioned, "app/file.txt", body))!);
    await putObject(client, versioned, "app/file.txt.bak", "other key sharing the prefix");
  });

  afterAll(async () => {
    for (const b of buckets) await deleteTestBucket(client, b).catch(() => undefined);
    client.destroy();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  describe("check, regexp mode", () => {
    it("answers the latest version by upstream's ordering", async () => {
      const r = await run("check", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }) });
      expect(r).toEqual({ exitCode: 0, stdout: '[{"path":"releases/app-2.0.tgz"}]\n', stderr: "" });
    });

    it("answers every version at or above the cursor, ascending", async () => {
      const r = await run("check", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "releases/app-1.2.0.tgz" } });
      expect(r.stdout).toBe('[{"path":"releases/app-1.2.0.tgz"},{"path":"releases/app-1.10.0.tgz"},{"path":"releases/app-2.0.tgz"}]\n');
    });

    it("keeps a cursor whose file is gone, and answers [latest] for one the regexp does not match", async () => {
      const gone = await run("check", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "releases/app-1.5.tgz" } });
      expect(gone.stdout).toBe('[{"path":"releases/app-1.10.0.tgz"},{"path":"releases/app-2.0.tgz"}]\n');
      const foreign = await run("check", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "elsewhere" } });
      expect(foreign.stdout).toBe('[{"path":"releases/app-2.0.tgz"}]\n');
    });

    it("prints null when nothing matches, and the initial_path when set", async () => {
      expect((await run("check", { source: source({ bucket: plain, regexp: "releases/none-(.*).tgz" }) })).stdout).toBe("null\n");
      const initial = await run("check", { source: source({ bucket: plain, regexp: "releases/none-(.*).tgz", initial_path: "releases/none-0.0.0.tgz" }) });
      expect(initial.stdout).toBe('[{"path":"releases/none-0.0.0.tgz"}]\n');
      const prepended = await run("check", {
        source: source({ bucket: plain, regexp: "releases/app-(.*).tgz", initial_path: "releases/app-0.0.1.tgz" }),
        version: { path: "releases/app-0.0.1.tgz" },
      });
      expect(JSON.parse(prepended.stdout)[0]).toEqual({ path: "releases/app-0.0.1.tgz" });
      expect(JSON.parse(prepended.stdout)).toHaveLength(6);
    });

    it("walks folders section by section, following only matching prefixes", async () => {
      const r = await run("check", { source: source({ bucket: plain, regexp: "nested/v[0-9]+/build-(.*).tgz" }), version: { path: "nested/v1/build-1.tgz" } });
      expect(r.stdout).toBe('[{"path":"nested/v1/build-1.tgz"},{"path":"nested/v2/build-7.tgz"}]\n');
    });

    it("reads a listing of several pages", async () => {
      const bucket = await createTestBucket(client, "pages");
      buckets.push(bucket);
      // RGW answers 1000 keys a page
      const keys = Array.from({ length: 1003 }, (_, i) => `many/item-${i}.bin`);
      for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => putObject(client, bucket, k, "")));
      const r = await run("check", { source: source({ bucket, regexp: "many/item-(.*).bin" }), version: { path: "many/item-1000.bin" } });
      expect(r.stdout).toBe(JSON.stringify([1000, 1001, 1002].map((n) => ({ path: `many/item-${n}.bin` }))) + "\n");
      const latest = await run("check", { source: source({ bucket, regexp: "many/item-(.*).bin" }) });
      expect(latest.stdout).toBe('[{"path":"many/item-1002.bin"}]\n');
    });

    it("reads each page as the SDK's own reader does, odd keys included", async () => {
      const odd = ["odd-keys/a&b<c>d.txt", "odd-keys/quote\"apos'.txt", "odd-keys/ünïcødé ✓ 😀.txt", "odd-keys/tab\there.txt", "odd-keys/ lead and trail .txt", "odd-keys/&amp;literal.txt", "odd-keys/sub&dir/x.txt", "odd-keys/sub<2>/y.txt"];
      for (const k of odd) await putObject(client, plain, k, "x");
      const access = await createS3(decodeCheck(JSON.stringify({ source: source({ bucket: plain, regexp: "x" }) })).source, {});
      try {
        const ours: unknown[] = [];
        const sdks: unknown[] = [];
        let token: string | undefined;
        do {
          const input = { Bucket: plain, Prefix: "odd-keys/", Delimiter: "/", MaxKeys: 2, ...(token !== undefined && { ContinuationToken: token }) };
          const page = await listObjectsPage(access, input, new AbortController().signal);
          const sdk = await client.send(new ListObjectsV2Command(input));
          ours.push(page);
          sdks.push({ keys: (sdk.Contents ?? []).map((o) => o.Key), prefixes: (sdk.CommonPrefixes ?? []).map((p) => p.Prefix), isTruncated: sdk.IsTruncated, nextContinuationToken: sdk.NextContinuationToken });
          token = page.isTruncated ? page.nextContinuationToken : undefined;
        } while (token !== undefined);
        expect(ours).toEqual(sdks);
        expect(ours.length).toBeGreaterThan(3);
        expect(ours.flatMap((p) => [...(p as { keys: string[] }).keys, ...(p as { prefixes: string[] }).prefixes]).sort()).toEqual(
          [...odd.filter((k) => !k.includes("/sub")), "odd-keys/sub&dir/", "odd-keys/sub<2>/"].sort(),
        );
      } finally {
        access.client.destroy();
      }
    });

    it("panics as upstream does on a captured text that is no version", async () => {
      const r = await run("check", { source: source({ bucket: plain, regexp: "odd/(.*)" }) });
      expect(r.stderr).toBe("panic: version number was not valid: Expected version 'version 1.txt' to match version format\n");
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe("");
    });
  });

  describe("check, versioned_file mode", () => {
    it("answers the newest version without a cursor", async () => {
      const r = await run("check", { source: source({ bucket: versioned, versioned_file: "app/file.txt" }) });
      expect(r.stdout).toBe(`[{"version_id":"${versionIds[2]}"}]\n`);
    });

    it("answers cursor to newest, oldest first, and [newest] for an unknown cursor", async () => {
      const r = await run("check", { source: source({ bucket: versioned, versioned_file: "app/file.txt" }), version: { version_id: versionIds[0] } });
      expect(JSON.parse(r.stdout)).toEqual(versionIds.map((id) => ({ version_id: id })));
      const unknown = await run("check", { source: source({ bucket: versioned, versioned_file: "app/file.txt" }), version: { version_id: "nope" } });
      expect(JSON.parse(unknown.stdout)).toEqual([{ version_id: versionIds[2] }]);
    });

    it("adds initial_version as the oldest, and prints [] for an object with no version", async () => {
      const none = await run("check", { source: source({ bucket: versioned, versioned_file: "app/missing.txt" }) });
      expect(none.stdout).toBe("[]\n");
      const initial = await run("check", { source: source({ bucket: versioned, versioned_file: "app/missing.txt", initial_version: "v0" }) });
      expect(initial.stdout).toBe('[{"version_id":"v0"}]\n');
      const fromInitial = await run("check", {
        source: source({ bucket: versioned, versioned_file: "app/file.txt", initial_version: "v0" }),
        version: { version_id: "v0" },
      });
      expect(JSON.parse(fromInitial.stdout)).toEqual(["v0", ...versionIds].map((id) => ({ version_id: id })));
    });

    it("refuses an unversioned bucket in upstream's words", async () => {
      const r = await run("check", { source: source({ bucket: plain, versioned_file: "releases/notes.txt" }) });
      expect(r).toEqual({ exitCode: 1, stdout: "", stderr: red("error finding versions: bucket is not versioned") });
    });
  });

  describe("in", () => {
    it("writes the object, url, s3_uri, version and tags.json", async () => {
      const dir = await tempDir("in");
      const r = await run(
        "in",
        { source: source({ bucket: plain, regexp: "tagged/t-(.*).txt" }), version: { path: "tagged/t-1.txt" }, params: { download_tags: true } },
        dir,
      );
      const url = `${env.endpoint}/${plain}/tagged/t-1.txt`;
      expect(r.stdout).toBe(
        `{"version":{"path":"tagged/t-1.txt"},"metadata":[{"name":"filename","value":"t-1.txt"},{"name":"url","value":"${url}"}]}\n`,
      );
      expect(await files(dir)).toEqual({
        "s3_uri": `s3://${plain}/tagged/t-1.txt`,
        "t-1.txt": "tagged",
        "tags.json": '{"stage":"\\u003cbeta\\u003e","team":"ci"}',
        url,
        version: "1",
      });
    });

    it("gets a version by id, with a presigned url that works when private", async () => {
      const dir = await tempDir("in-v");
      const r = await run("in", { source: source({ bucket: versioned, versioned_file: "app/file.txt", private: true }), version: { version_id: versionIds[1] } }, dir);
      expect(r.stdout).toBe(`{"version":{"version_id":"${versionIds[1]}"},"metadata":[{"name":"filename","value":"file.txt"}]}\n`);
      expect(await readFile(join(dir, "file.txt"), "utf8")).toBe("two");
      expect(await readFile(join(dir, "version"), "utf8")).toBe(versionIds[1]);
      const url = await readFile(join(dir, "url"), "utf8");
      expect(url).toContain("X-Amz-Expires=86400");
      const fetched = await fetch(url);
      expect(await fetched.text()).toBe("two");
    });

    it("skips the download for skip_download \"true\", and refuses a value Go cannot parse", async () => {
      const dir = await tempDir("in-skip");
      const r = await run("in", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "releases/app-2.0.tgz" }, params: { skip_download: "true" } }, dir);
      expect(r.exitCode).toBe(0);
      expect(Object.keys(await files(dir))).toEqual(["s3_uri", "url", "version"]);
      const bad = await run("in", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "releases/app-2.0.tgz" }, params: { skip_download: "yes" } }, await tempDir("in-bad"));
      expect(bad.stderr).toBe(red("error running command: skip_download defined but invalid value: yes"));
    });

    it("writes only the file and version for the initial version", async () => {
      const dir = await tempDir("in-initial");
      const r = await run(
        "in",
        {
          source: source({ bucket: plain, regexp: "releases/none-(.*).bin", initial_path: "releases/none-0.0.0.bin", initial_content_binary: Buffer.from([0, 1, 2, 255]).toString("base64") }),
          version: { path: "releases/none-0.0.0.bin" },
        },
        dir,
      );
      expect(r.stdout).toBe('{"version":{"path":"releases/none-0.0.0.bin"},"metadata":[{"name":"filename","value":"none-0.0.0.bin"}]}\n');
      expect(await readdir(dir)).toEqual(["none-0.0.0.bin", "version"].sort());
      expect([...(await readFile(join(dir, "none-0.0.0.bin")))]).toEqual([0, 1, 2, 255]);
    });

    it("unpacks a gzipped file", async () => {
      await putObject(client, plain, "archives/data-1.txt.gz", gzipSync("unpacked text"));
      const dir = await tempDir("in-unpack");
      const r = await run("in", { source: source({ bucket: plain, regexp: "archives/data-(.*).txt.gz" }), version: { path: "archives/data-1.txt.gz" }, params: { unpack: true } }, dir);
      expect(r.exitCode).toBe(0);
      expect(await files(dir)).toMatchObject({ "data-1.txt": "unpacked text", version: "1" });
      expect(await readdir(dir)).not.toContain("data-1.txt.gz");
    });

    it("fails on a corrupt archive with one line and leaves the folder empty", async () => {
      const good = gzipSync("x".repeat(10_000));
      await putObject(client, plain, "archives/broken-1.tgz", good.subarray(0, good.length - 40));
      const dir = await tempDir("in-corrupt");
      const r = await run("in", { source: source({ bucket: plain, regexp: "archives/broken-(.*).tgz" }), version: { path: "archives/broken-1.tgz" }, params: { unpack: true } }, dir);
      expect(r).toEqual({ exitCode: 1, stdout: "", stderr: red("error running command: failed to extract archive: gzip data is truncated") });
      expect(await readdir(dir)).toEqual([]);
    });

    it("says 'not an archive' for unpack of a plain file", async () => {
      const dir = await tempDir("in-plain");
      const r = await run("in", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "releases/app-2.0.tgz" }, params: { unpack: true } }, dir);
      expect(r.stderr).toBe(red(`error running command: not an archive: ${join(dir, "app-2.0.tgz")}`));
    });

    it("names a missing object and a version the regexp does not match", async () => {
      const missing = await run("in", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "releases/app-9.tgz" } }, await tempDir("in-missing"));
      expect(missing.stderr).toMatch(/^\x1b\[31merror running command: operation error S3: HeadObject, https response error StatusCode: 404, RequestID: [^,]*, HostID: [^,]*, NotFound: Not Found\n/);
      const foreign = await run("in", { source: source({ bucket: plain, regexp: "releases/app-(.*).tgz" }), version: { path: "other" } }, await tempDir("in-foreign"));
      expect(foreign.stderr).toBe(red('error running command: regex does not match provided version: s3resource.Version{Path:"other", VersionID:""}'));
    });
  });

  describe("out", () => {
    it("uploads the one file the glob matches under the regexp's folder", async () => {
      const dir = await tempDir("out");
      await mkdir(join(dir, "build"));
      await writeFile(join(dir, "build", "app-3.0.0.tgz"), "app 3");
      const r = await run("out", { source: source({ bucket: plain, regexp: "uploads/app-(.*).tgz" }), params: { file: "build/app-*.tgz", content_type: "application/x-gzip", acl: "public-read" } }, dir);
      expect(r.stdout).toBe(
        `{"version":{"path":"uploads/app-3.0.0.tgz"},"metadata":[{"name":"filename","value":"app-3.0.0.tgz"},{"name":"url","value":"${env.endpoint}/${plain}/uploads/app-3.0.0.tgz"}]}\n`,
      );
      const head = await client.send(new HeadObjectCommand({ Bucket: plain, Key: "uploads/app-3.0.0.tgz" }));
      expect(head.ContentType).toBe("application/x-gzip");
      // public-read: an anonymous get succeeds
      const anonymous = await fetch(`${env.endpoint}/${plain}/uploads/app-3.0.0.tgz`);
      expect(await anonymous.text()).toBe("app 3");
    });

    it("refuses zero or several matches in upstream's words", async () => {
      const dir = await tempDir("out-glob");
      await writeFile(join(dir, "a-1.tgz"), "");
      await writeFile(join(dir, "a-2.tgz"), "");
      const none = await run("out", { source: source({ bucket: plain, regexp: "x/a-(.*).tgz" }), params: { file: "b-*.tgz" } }, dir);
      expect(none.stderr).toBe(red("error running command: no matches found for pattern: b-*.tgz"));
      const several = await run("out", { source: source({ bucket: plain, regexp: "x/a-(.*).tgz" }), params: { file: "a-*.tgz" } }, dir);
      expect(several.stderr).toBe(red(`error running command: more than one match found for pattern: a-*.tgz\n[${join(dir, "a-1.tgz")} ${join(dir, "a-2.tgz")}]`));
    });

    it("uploads in parts above 5 MiB, and in one request with disable_multipart", async () => {
      const dir = await tempDir("out-big");
      const big = Buffer.alloc(12 * 1024 * 1024 + 3, 7);
      await writeFile(join(dir, "big-1.bin"), big);
      const multi = await run("out", { source: source({ bucket: plain, regexp: "big/big-(.*).bin" }), params: { file: "big-*.bin" } }, dir);
      expect(multi.exitCode).toBe(0);
      const head = await client.send(new HeadObjectCommand({ Bucket: plain, Key: "big/big-1.bin" }));
      expect(head.ContentLength).toBe(big.length);
      expect(head.ETag).toMatch(/-3"$/); // three 5 MiB parts
      const single = await run("out", { source: source({ bucket: plain, regexp: "single/big-(.*).bin", disable_multipart: true }), params: { file: "big-*.bin" } }, dir);
      expect(single.exitCode).toBe(0);
      const one = await client.send(new HeadObjectCommand({ Bucket: plain, Key: "single/big-1.bin" }));
      expect(one.ETag).not.toContain("-");
      const body = await client.send(new GetObjectCommand({ Bucket: plain, Key: "single/big-1.bin" }));
      expect(Buffer.from(await body.Body!.transformToByteArray()).equals(big)).toBe(true);
    });

    it("answers the new version id on a versioned bucket, and refuses an unversioned one", async () => {
      const dir = await tempDir("out-v");
      await writeFile(join(dir, "file.txt"), "four");
      const r = await run("out", { source: source({ bucket: versioned, versioned_file: "app/file.txt" }), params: { file: "file.txt" } }, dir);
      const id = JSON.parse(r.stdout).version.version_id as string;
      expect(id).toMatch(/\S/);
      expect(r.stdout).toBe(
        `{"version":{"version_id":"${id}"},"metadata":[{"name":"filename","value":"file.txt"},{"name":"url","value":"${env.endpoint}/${versioned}/app/file.txt?versionId=${id}"}]}\n`,
      );
      const check = await run("check", { source: source({ bucket: versioned, versioned_file: "app/file.txt" }), version: { version_id: versionIds[2] } });
      expect(JSON.parse(check.stdout)).toEqual([{ version_id: versionIds[2] }, { version_id: id }]);
      versionIds.push(id);
      const refused = await run("out", { source: source({ bucket: plain, versioned_file: "app/file.txt" }), params: { file: "file.txt" } }, dir);
      expect(refused.stderr).toBe(red("error running command: object versioning not enabled"));
    });
  });

  describe("credentials", () => {
    it("reads a public bucket anonymously when no keys are given", async () => {
      const bucket = await createTestBucket(client, "public");
      buckets.push(bucket);
      await client.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "pub/p-1.txt", Body: "public", ACL: "public-read" }));
      const anonymous = { endpoint: env.endpoint, bucket, regexp: "pub/p-(.*).txt", use_path_style: true };
      expect((await run("check", { source: anonymous })).stdout).toBe('[{"path":"pub/p-1.txt"}]\n');
      const dir = await tempDir("in-anon");
      expect((await run("in", { source: anonymous, version: { path: "pub/p-1.txt" } }, dir)).exitCode).toBe(0);
      expect(await readFile(join(dir, "p-1.txt"), "utf8")).toBe("public");
      // the private bucket refuses the same anonymous listing
      const refused = await run("check", { source: { ...anonymous, bucket: plain, regexp: "releases/app-(.*).tgz" } });
      expect(refused.stderr).toMatch(/StatusCode: 403, .*AccessDenied/);
    });

    describe("enable_aws_creds_provider reads the operation's environment, never process.env", () => {
      const creds = (over: Record<string, unknown> = {}) => ({
        source: { endpoint: env.endpoint, use_path_style: true, bucket: plain, regexp: "releases/app-(.*).tgz", enable_aws_creds_provider: true, ...over },
      });
      const hostKeys = () => ({ id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, profile: process.env.AWS_PROFILE });
      // no metadata service here: a chain that got that far must say so rather than dial out
      const noImds = { AWS_EC2_METADATA_DISABLED: "true" };

      it("takes the keys from the operation's env", async () => {
        const before = hostKeys();
        const r = await run("check", creds(), undefined, { AWS_ACCESS_KEY_ID: env.accessKeyId, AWS_SECRET_ACCESS_KEY: env.secretAccessKey });
        expect(r).toEqual({ exitCode: 0, stdout: '[{"path":"releases/app-2.0.tgz"}]\n', stderr: "" });
        expect(hostKeys()).toEqual(before);
      });

      it("accepts Go's alternative names AWS_ACCESS_KEY and AWS_SECRET_KEY", async () => {
        const r = await run("check", creds(), undefined, { AWS_ACCESS_KEY: env.accessKeyId, AWS_SECRET_KEY: env.secretAccessKey });
        expect(r.stdout).toBe('[{"path":"releases/app-2.0.tgz"}]\n');
      });

      it("reads the profile named by AWS_PROFILE from the operation's credentials file", async () => {
        const dir = await tempDir("creds");
        const file = join(dir, "credentials");
        await writeFile(file, `[default]\naws_access_key_id = WRONGKEY\naws_secret_access_key = wrong\n\n[jetway]\naws_access_key_id = ${env.accessKeyId}\naws_secret_access_key = ${env.secretAccessKey}\n`);
        const r = await run("check", creds(), undefined, { ...noImds, AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, "config"), AWS_PROFILE: "jetway" });
        expect(r).toEqual({ exitCode: 0, stdout: '[{"path":"releases/app-2.0.tgz"}]\n', stderr: "" });
        // the same file without AWS_PROFILE gives the default profile's (wrong) keys: the profile came from the env
        const wrong = await run("check", creds(), undefined, { ...noImds, AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, "config") });
        expect(wrong.stderr).toMatch(/StatusCode: 403, .*(InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied)/);
      });

      it("without credentials anywhere in the operation's env, fails as Go does at a disabled metadata service", async () => {
        const dir = await tempDir("no-creds");
        const r = await run("check", creds(), undefined, { ...noImds, HOME: dir });
        expect(r).toEqual({
          exitCode: 1,
          stdout: "",
          stderr: red(
            'error listing files: operation error S3: ListObjectsV2, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, access disabled to EC2 IMDS via client option, or "AWS_EC2_METADATA_DISABLED" environment variable',
          ),
        });
      });
    });
  });

  describe("faults: one line each, never a secret", () => {
    const secret = "s3cr3t-VALUE-that-must-not-leak";
    const token = "sess10n-T0KEN-that-must-not-leak";

    /** The type's own error, before the entry wrapper's redaction. */
    async function ownError(request: unknown): Promise<JetwayError> {
      try {
        await s3Type.check(decodeCheck(JSON.stringify(request)), createContext());
      } catch (e) {
        expect(e).toBeInstanceOf(JetwayError);
        return e as JetwayError;
      }
      throw new Error("check succeeded");
    }

    it("wrong credentials", async () => {
      const e = await ownError({ source: source({ bucket: plain, regexp: "releases/app-(.*).tgz", secret_access_key: secret, session_token: token }) });
      expect(e.stderr).toMatch(/^\x1b\[31merror listing files: operation error S3: ListObjectsV2, https response error StatusCode: 403, .*api error (SignatureDoesNotMatch|InvalidAccessKeyId|AccessDenied)/);
      for (const text of [e.message, e.stderr]) expect(text).not.toMatch(/s3cr3t|sess10n/);
      expect(e.message).not.toContain("\n");
    });

    it("a missing bucket", async () => {
      const r = await run("check", { source: source({ bucket: "jetway-no-such-bucket", regexp: "a-(.*)" }) });
      expect(r.stderr).toMatch(/^\x1b\[31merror listing files: operation error S3: ListObjectsV2, https response error StatusCode: 404, RequestID: [^,]*, HostID: [^,]*, NoSuchBucket: .*\n\x1b\[0m$/);
      expect(r.stdout).toBe("");
    });

    it("an endpoint that refuses connections, after bounded retries", async () => {
      const e = await ownError({ source: source({ endpoint: "http://127.0.0.1:1", bucket: plain, regexp: "a-(.*)", secret_access_key: secret }) });
      expect(e.message).toBe(
        `error listing files: operation error S3: ListObjectsV2, exceeded maximum number of attempts, 5, https response error StatusCode: 0, RequestID: , HostID: , request send failed, Get "http://127.0.0.1:1/${plain}/?delimiter=%2F&list-type=2&prefix=": dial tcp 127.0.0.1:1: connect: connection refused`,
      );
    });

    it("a regexp that does not compile", async () => {
      const r = await run("check", { source: source({ bucket: plain, regexp: "releases/app-(.*.tgz" }) });
      expect(r).toEqual({
        exitCode: 2,
        stdout: "",
        stderr: "panic: regexp: Compile(`^releases/app-(.*.tgz$`): error parsing regexp: missing closing ): `^releases/app-(.*.tgz$`\n",
      });
    });
  });

  describe("transient failures", () => {
    let proxy: Server;
    let port: number;
    /** what the next requests get: "500", "503" (throttled), "reset", "cut" (half a body, then a reset) or "pass" */
    let plan: string[] = [];
    let served = 0;

    beforeAll(async () => {
      const upstream = new URL(env.endpoint);
      proxy = createServer((req, res) => {
        served++;
        const fault = plan.shift() ?? "pass";
        if (fault === "500") {
          res.writeHead(500, { "content-type": "application/xml" });
          res.end("<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>");
          return;
        }
        if (fault === "503") {
          res.writeHead(503, { "content-type": "application/xml" });
          res.end("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
          return;
        }
        if (fault === "reset") {
          (req.socket as Socket).resetAndDestroy();
          return;
        }
        const forward = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, // the signature covers the host header as the client sent it
          (answer: IncomingMessage) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            if (fault === "cut") {
              answer.once("data", (chunk: Buffer) => {
                res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => (req.socket as Socket).resetAndDestroy());
              });
              return;
            }
            answer.pipe(res);
          },
        );
        req.pipe(forward);
      });
      await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
      port = (proxy.address() as AddressInfo).port;
    });

    afterAll(() => new Promise<void>((ok) => proxy.close(() => ok())));

    const viaProxy = (over: Record<string, unknown>) => source({ endpoint: `http://127.0.0.1:${port}`, ...over });

    it("retries 5xx answers and connection resets, then succeeds", async () => {
      plan = ["503", "reset", "503"];
      served = 0;
      const r = await run("check", { source: viaProxy({ bucket: plain, regexp: "releases/app-(.*).tgz" }) });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe('[{"path":"releases/app-2.0.tgz"}]\n');
      expect(served).toBe(4);
    });

    it("words a connection reset before any answer as Go does, after the bounded retries", async () => {
      plan = Array.from({ length: 20 }, () => "reset");
      served = 0;
      const r = await run("check", { source: viaProxy({ bucket: plain, regexp: "releases/app-(.*).tgz" }) });
      const url = `http://127.0.0.1:${port}/${plain}/?delimiter=%2F&list-type=2&prefix=releases%2F`.replace(/[.?]/g, "\\$&");
      expect(r.stderr).toMatch(
        new RegExp(
          `^\x1b\\[31merror listing files: operation error S3: ListObjectsV2, exceeded maximum number of attempts, 5, https response error StatusCode: 0, RequestID: , HostID: , request send failed, Get "${url}": net/http: Transport failed to read from server: read tcp 127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}: read: connection reset by peer\n\x1b\\[0m$`,
        ),
      );
      expect(served).toBe(5);
      plan = [];
    });

    it("gives up after a bounded number of attempts", async () => {
      plan = Array.from({ length: 20 }, () => "500");
      served = 0;
      const r = await run("check", { source: viaProxy({ bucket: plain, regexp: "releases/app-(.*).tgz" }) });
      expect(r.stderr).toMatch(/error listing files: operation error S3: ListObjectsV2, exceeded maximum number of attempts, 5, https response error StatusCode: 500, .*api error InternalError: We encountered an internal error\. Please try again\./);
      expect(served).toBe(5);
      plan = [];
    });

    it("leaves no partial file when the download is cut", async () => {
      await putObject(client, plain, "cut/blob-1.bin", Buffer.alloc(256 * 1024, 1));
      const dir = await tempDir("in-cut");
      plan = ["pass", "cut"]; // the HEAD passes, the GET's body is cut
      const r = await run("in", { source: viaProxy({ bucket: plain, regexp: "cut/blob-(.*).bin" }), version: { path: "cut/blob-1.bin" } }, dir);
      expect(r.stderr).toMatch(/^\x1b\[31merror running command: operation error S3: GetObject, /);
      expect(r.exitCode).toBe(1);
      expect(await readdir(dir)).toEqual([]);
      plan = [];
    });
  });
});

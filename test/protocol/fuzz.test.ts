/**
 * Property: whatever arrives on stdin, an operation either prints exactly one
 * JSON document and exits 0, or prints nothing on stdout, a message without a
 * stack trace on stderr, and exits non-zero. In-process for volume (the entry
 * points run this same wrapper), plus a sample through the built entry points.
 */
import fc from "fast-check";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runOperation } from "../../src/protocol/entry.ts";
import { OPERATIONS, type Operation } from "../../src/protocol/types.ts";
import { builtinTypes } from "../../resource-types/index.ts";
import { repoRoot } from "../golden/harness.ts";
import { runProcess } from "../golden/host-paths.ts";

const RUNS_PER_TYPE = 1200;

/** Keys each type knows, so generated requests reach past the first validation. */
const KNOWN_KEYS: Record<string, string[]> = {
  time: ["interval", "location", "start", "stop", "days", "initial_version", "start_after"],
  mock: ["force_version", "initial_version", "no_initial_version", "create_files", "metadata", "check_delay", "check_failure", "log", "mirror_self"],
  git: ["branch", "paths", "ignore_paths", "tag_filter", "tag_regex", "version_depth", "disable_ci_skip", "commit_filter", "username", "password", "private_key"],
  s3: ["bucket", "regexp", "versioned_file", "access_key_id", "secret_access_key", "region_name", "use_path_style", "disable_ssl", "initial_path", "initial_version", "initial_content_text", "private", "skip_download"],
};
/**
 * git sources always name a repository that cannot exist or a closed loopback
 * port: generated requests must never send traffic anywhere else.
 */
const SAFE_GIT_URIS = ["/nonexistent/jetway-fuzz.git", "http://127.0.0.1:9/none.git", "", "relative/none", 7];
/** s3 sources always point at a closed loopback port (the key is forced after generation, so no casing of it survives). */
const SAFE_S3_ENDPOINT = "http://127.0.0.1:9";
const PARAM_KEYS = ["unpack", "skip_download", "download_tags", "acl", "content_type", "version", "file", "print_env", "create_files_via_params", "mirror_self_via_params", "depth", "repository", "tag", "rebase", "merge"];

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("1m", "-5s", "0", "1h30m", "25:00", "3 PM", "1504 -0700", "America/New_York", "Mars/Base", "monday", "Funday", "2024-01-01", "../escape", "/abs", "a/b.txt", "START_VARxEND_VAR"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 }));

function structured(type: string) {
  const keys = fc.dictionary(fc.constantFrom(...KNOWN_KEYS[type]!, "Unknown", "INTERVAL"), value, { maxKeys: 4 });
  const source =
    type === "git"
      ? fc.tuple(keys, fc.constantFrom(...SAFE_GIT_URIS)).map(([k, uri]) => ({ ...k, uri }))
      : type === "s3"
        ? keys.map((k) => ({ ...withoutKey(k, "endpoint"), endpoint: SAFE_S3_ENDPOINT }))
        : keys;
  const version = fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom("time", "version", "privileged", "x"), value, { maxKeys: 2 }));
  const params = fc.dictionary(fc.constantFrom(...PARAM_KEYS, "bogus"), value, { maxKeys: 3 });
  return fc.record({ source, version, params }, { requiredKeys: [] }).map((r) => JSON.stringify(r));
}

/** Drops every casing of a key: Go's decoder matches keys case-insensitively. */
function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k.toLowerCase() !== key));
}

const stdinFor = (type: string) =>
  fc.oneof(
    { weight: 5, arbitrary: structured(type) },
    { weight: 2, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: structured(type).map((s) => s.slice(0, Math.max(0, s.length - 3))) },
  );

function checkInvariants(exitCode: number, stdout: string, stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  if (exitCode === 0) {
    expect(stdout.endsWith("\n")).toBe(true);
    expect(() => JSON.parse(stdout)).not.toThrow();
  } else {
    expect(stdout).toBe("");
    expect(stderr.trim()).not.toBe("");
  }
}

describe("no input breaks the protocol", () => {
  for (const type of builtinTypes) {
    it(`${type.name}: ${RUNS_PER_TYPE} generated requests in-process`, async () => {
      const dir = await mkdtemp(join(tmpdir(), `jetway-fuzz-${type.name}-`));
      let n = 0;
      try {
        await fc.assert(
          fc.asyncProperty(stdinFor(type.name), fc.constantFrom<Operation>(...OPERATIONS), async (stdin, op) => {
            // Concourse always hands in/out an existing, empty directory
            const runDir = join(dir, String(n++));
            await mkdir(runDir);
            let stdout = "";
            let stderr = "";
            const result = await runOperation(type, op, [runDir], {
              stdin,
              env: {},
              // a generated check_delay must not stall the run
              signal: AbortSignal.timeout(200),
              writeStdout: (t) => (stdout += t),
              writeStderr: (t) => (stderr += t),
            });
            expect(result.stdout).toBe(stdout);
            checkInvariants(result.exitCode, stdout, stderr);
            if (op === "in" && result.exitCode !== 0) {
              expect(await readdir(runDir)).toEqual([]);
            }
          }),
          { numRuns: RUNS_PER_TYPE },
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 120_000);

    it(`${type.name}: generated requests through the built entry points`, async () => {
      // a child process has no abort signal here, so requests that would sleep are left to the in-process run
      const request = stdinFor(type.name).filter((s) => !/check_delay/i.test(s));
      const samples = fc.sample(fc.tuple(request, fc.constantFrom<Operation>(...OPERATIONS)), { numRuns: 24, seed: 42 });
      const dir = await mkdtemp(join(tmpdir(), `jetway-fuzz-entry-${type.name}-`));
      try {
        await Promise.all(
          samples.map(async ([stdin, op], i) => {
            const entry = join(repoRoot, "dist/resource-types", type.name, op);
            const out = await runProcess(entry, op === "check" ? [] : [join(dir, String(i))], stdin, {});
            checkInvariants(out.exitCode, out.stdout, out.stderr);
          }),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});

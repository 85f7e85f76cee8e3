/**
 * The executor as a delivery path of the golden harness (test/golden/harness.ts):
 * each fixture becomes one ResourceOperation run by a real executor on a real
 * driver. The fixture's folder is copied into a fresh driver volume before the
 * run and back afterwards, so the harness checks the files the operation left
 * in the volume. A thrown operation error stands for the process's exit: its
 * exit code, nothing on stdout, the streamed stderr. The executor hands back the
 * parsed response: it is written out again as Go's json.Encoder does, which is
 * how time and mock print it (the git fixtures run here are all failures).
 */
import { cp, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { goEncode } from "../../src/compat/go-json.ts";
import type { ResourceExecutor, ResourceResult } from "../../src/executor/index.ts";
import type { Driver, Volume } from "../../src/orchestra/types.ts";
import type { NativeMode } from "../../src/pipeline/types.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import type { DeliveryPath, LoadedFixture, RunOutput } from "../golden/harness.ts";

export interface ExecutorPathOptions {
  name: string;
  driver: () => Driver;
  executor: ResourceExecutor;
  /** the resource's `native:` key */
  native?: NativeMode;
  /** the host folder holding a volume's files */
  volumeDir(volume: Volume): Promise<string>;
  available(): Promise<true | string>;
  /** every result's `how`, to show which way each operation really ran */
  hows?: string[];
}

export function executorPath(options: ExecutorPathOptions): DeliveryPath {
  return {
    name: options.name,
    available: options.available,
    async run(type, op, stdin, dir, env): Promise<RunOutput> {
      const driver = options.driver();
      let volume: Volume | undefined;
      if (dir !== undefined) {
        volume = await driver.createVolume(`fixture-${randomUUID().slice(0, 8)}`);
        await copyContents(dir, await options.volumeDir(volume));
      }
      let stderr = "";
      let result: ResourceResult | undefined;
      let exitCode = 0;
      try {
        result = await options.executor.run(
          {
            op,
            resourceName: "fixture",
            type,
            request: JSON.parse(stdin) as Record<string, unknown>,
            env,
            stderr: (text) => {
              stderr += text;
            },
            ...(volume !== undefined && { volume }),
            ...(options.native !== undefined && { native: options.native }),
          },
          driver,
        );
        options.hows?.push(result.how);
      } catch (e) {
        if (!isJetwayError(e) || e.code !== "OPERATION_FAILED") throw e;
        exitCode = e.exitCode;
      }
      if (dir !== undefined && volume !== undefined) {
        await rm(dir, { recursive: true, force: true });
        await copyContents(await options.volumeDir(volume), dir);
        await volume.cleanup();
      }
      // the response as the Go-derived types encode it, so the fixtures' exact bytes compare
      const stdout = result === undefined ? "" : goEncode(result.response);
      return { exitCode, stdout, stderr };
    },
  };
}

async function copyContents(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from)) {
    await cp(join(from, entry), join(to, entry), { recursive: true, verbatimSymlinks: true });
  }
}

/** Fixtures an executor can run: a request object (not raw stdin), and no served git repository or S3 bucket. */
export function runnableByExecutor(loaded: LoadedFixture): boolean {
  const text = JSON.stringify(loaded.fixture);
  if (loaded.fixture.stdin !== undefined || loaded.fixture.request === undefined) return false;
  if (loaded.fixture.setup?.git !== undefined || loaded.fixture.setup?.s3 !== undefined) return false;
  return !text.includes("{{git:") && !text.includes("{{s3:");
}

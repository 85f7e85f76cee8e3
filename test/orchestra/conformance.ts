/**
 * The behaviour every driver owes the runner, as one suite. drivers.test.ts
 * calls defineConformanceSuite once per target (targets.ts) inside a describe.
 * Each test gets a fresh namespace and closes its drivers afterwards.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createDriver, type Driver, type Task } from "../../src/orchestra/index.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { collectLogs, expectDriverFailure, runToEnd, uniqueNamespace, waitDone } from "./helpers.ts";
import type { DriverTarget, TargetEnv } from "./targets.ts";

/** Set in this process only: a driver that leaks the host env into tasks shows it. */
const HOST_ONLY_VAR = "JETWAY_CONFORMANCE_HOST_ONLY";

export function defineConformanceSuite(target: DriverTarget): void {
  let env: TargetEnv;
  const open: Driver[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    env = await target.setup();
    process.env[HOST_ONLY_VAR] = `host-value-${process.pid}`;
  });
  afterAll(async () => {
    delete process.env[HOST_ONLY_VAR];
    await env?.teardown?.();
  });
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((d) => d.close()));
  });

  const newDriver = async (namespace = uniqueNamespace("conf")): Promise<Driver> => {
    const driver = await createDriver(env.spec, { namespace, warn: (line) => warnings.push(line) });
    open.push(driver);
    return driver;
  };
  const task = (id: string, command: string[], extra: Partial<Task> = {}): Task => ({ id, image: env.shellImage, command, ...extra });

  it("1. happy path: echo hello gives exit 0 and hello; the same task id gives the same container and result", async () => {
    const driver = await newDriver();
    const hello = task("hello", ["echo", "hello"]);
    const first = await runToEnd(driver, hello);
    expect(first.status).toEqual({ isDone: true, exitCode: 0 });
    expect(first.logs.stdout.toString()).toBe("hello\n");
    expect(first.logs.stderr.toString()).toBe("");
    expect(first.container.id).toBe("hello");

    const again = await driver.runContainer(hello);
    expect(again).toBe(first.container);
    expect(await driver.getContainer("hello")).toBe(first.container);
    expect(await again.status()).toEqual({ isDone: true, exitCode: 0 });
    const logsAgain = await collectLogs(again);
    expect(logsAgain.stdout.toString()).toBe("hello\n");
    expect(logsAgain.stderr.toString()).toBe("");
    expect(await driver.getContainer("no-such-task")).toBeUndefined();
  });

  it("2. exit code: exit 3 is reported as done with 3, and stays so", async () => {
    const driver = await newDriver();
    const container = await driver.runContainer(task("exit-3", ["sh", "-c", "sleep 1; exit 3"]));
    expect(await container.status()).toEqual({ isDone: false });
    expect(await waitDone(container)).toEqual({ isDone: true, exitCode: 3 });
    for (let i = 0; i < 3; i++) expect(await container.status()).toEqual({ isDone: true, exitCode: 3 });
    expect(await (await driver.getContainer("exit-3"))?.status()).toEqual({ isDone: true, exitCode: 3 });
  });

  it("3. volume: a file one task writes into a mounted volume is read by a second task", async () => {
    const driver = await newDriver();
    const volume = await driver.createVolume("shared");
    expect(volume.name).toBe("shared");
    const writer = await runToEnd(
      driver,
      task("writer", ["sh", "-c", "echo payload > out/file && mkdir -p out/sub && echo deep > out/sub/f"], {
        mounts: [{ volume: "shared", path: "out" }],
      }),
    );
    expect(writer.status).toEqual({ isDone: true, exitCode: 0 });
    const reader = await runToEnd(
      driver,
      task("reader", ["sh", "-c", "cat in/file in/sub/f"], {
        workingDir: "/tmp/build/reader",
        mounts: [{ volume: "shared", path: "in" }],
      }),
    );
    expect(reader.logs.stderr.toString()).toBe("");
    expect(reader.logs.stdout.toString()).toBe("payload\ndeep\n");
    expect(reader.status).toEqual({ isDone: true, exitCode: 0 });

    if (volume.hostPath !== undefined) {
      // what in-process delivery relies on: the task's writes are on the host, and the host's are in the task
      expect(await readFile(join(volume.hostPath, "file"), "utf8")).toBe("payload\n");
      await writeFile(join(volume.hostPath, "from-host"), "host bytes\n");
      const host = await runToEnd(driver, task("host-reader", ["cat", "v/from-host"], { mounts: [{ volume: "shared", path: "v" }] }));
      expect(host.logs.stdout.toString()).toBe("host bytes\n");
    }
  });

  it("4. environment: the task's env is visible, the host's is not", async () => {
    expect(process.env[HOST_ONLY_VAR]).toBeDefined();
    const driver = await newDriver();
    const { status, logs } = await runToEnd(
      driver,
      task("env", ["sh", "-c", `echo "greeting=$GREETING"; echo "host=\${${HOST_ONLY_VAR}-unset}"; env`], {
        env: { GREETING: "hello there", EMPTY: "" },
      }),
    );
    expect(status).toEqual({ isDone: true, exitCode: 0 });
    const out = logs.stdout.toString();
    expect(out).toContain("greeting=hello there\n");
    expect(out).toContain("host=unset\n");
    expect(out).toMatch(/^EMPTY=$/m);
    expect(out).not.toContain(HOST_ONLY_VAR);
  });

  it("5. stdin: cat echoes the task's stdin, bytes as given; no stdin means an empty, closed one", async () => {
    const driver = await newDriver();
    const text = await runToEnd(driver, task("cat-text", ["cat"], { stdin: "line one\nline two\n" }));
    expect(text.logs.stdout.toString()).toBe("line one\nline two\n");
    expect(text.status).toEqual({ isDone: true, exitCode: 0 });

    const bytes = new Uint8Array(256 * 4).map((_, i) => i % 256);
    const binary = await runToEnd(driver, task("cat-bytes", ["cat"], { stdin: bytes }));
    expect(binary.logs.stdout.equals(Buffer.from(bytes))).toBe(true);

    const none = await runToEnd(driver, task("cat-none", ["cat"]));
    expect(none.status).toEqual({ isDone: true, exitCode: 0 });
    expect(none.logs.stdout.length).toBe(0);
  });

  it("6. stderr is kept apart from stdout", async () => {
    const driver = await newDriver();
    const { logs } = await runToEnd(driver, task("streams", ["sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"]));
    expect(logs.stdout.toString()).toBe("out1\nout2\n");
    expect(logs.stderr.toString()).toBe("err1\nerr2\n");
  });

  it("7. follow: a three-line, sleep-spaced script streams all three lines and ends with the container", async () => {
    const driver = await newDriver();
    const container = await driver.runContainer(task("follow", ["sh", "-c", "echo one; sleep 0.5; echo two; sleep 0.5; echo three"]));
    const logs = await collectLogs(container, true);
    const ended = performance.now();
    expect(logs.stdout.toString()).toBe("one\ntwo\nthree\n");
    // streamed: "one" arrived while the script still slept, not in one piece at the end
    const first = logs.stdoutChunks.find((c) => c.text.includes("one"));
    expect(first).toBeDefined();
    expect(ended - (first?.at ?? ended)).toBeGreaterThan(400);
    // the follow ended because the container did
    expect(await waitDone(container, 2000)).toEqual({ isDone: true, exitCode: 0 });
    // following a finished container returns everything and ends
    expect((await collectLogs(container, true)).stdout.toString()).toBe("one\ntwo\nthree\n");
  });

  it("8. close() leaves nothing of the namespace behind and is idempotent", async () => {
    const namespace = uniqueNamespace("close");
    const driver = await newDriver(namespace);
    await driver.createVolume("data");
    await driver.createVolume("unused");
    const finished = await driver.runContainer(task("done", ["sh", "-c", "echo x > d/x"], { mounts: [{ volume: "data", path: "d" }] }));
    await waitDone(finished);
    // a task still running (and a child of it) must be stopped, not waited for
    await driver.runContainer(task("running", ["sh", "-c", "sleep 60 & sleep 60"], { mounts: [{ volume: "data", path: "d" }] }));
    expect((await env.leftovers(namespace)).length).toBeGreaterThan(0);

    await driver.close();
    expect(await env.leftovers(namespace)).toEqual([]);
    await driver.close();
    await expect(driver.runContainer(task("late", ["true"]))).rejects.toMatchObject({ code: "DRIVER_FAILED" });
  });

  it("9. a nonexistent command, or a missing image, fails clearly instead of hanging", async () => {
    const driver = await newDriver();
    await expectDriverFailure(driver, task("no-command", ["jetway-no-such-command"]), "jetway-no-such-command");
    if (env.missingImage !== undefined) {
      await expectDriverFailure(driver, { id: "no-image", image: env.missingImage, command: ["true"] }, env.missingImage);
    }
  });

  it("10. cleanup is idempotent; a cleaned-up id can run again", async () => {
    const driver = await newDriver();
    const volume = await driver.createVolume("scratch");
    const first = await runToEnd(driver, task("again", ["echo", "first"]));
    await first.container.cleanup();
    await first.container.cleanup();
    expect(await driver.getContainer("again")).toBeUndefined();
    const second = await runToEnd(driver, task("again", ["echo", "second"]));
    expect(second.container).not.toBe(first.container);
    expect(second.logs.stdout.toString()).toBe("second\n");
    await volume.cleanup();
    await volume.cleanup();
  });

  it("rejects a malformed task with one line naming the key", async () => {
    const driver = await newDriver();
    const error = await driver.runContainer(task("bad", [])).catch((e: unknown) => e);
    expect(isJetwayError(error) && error.code).toBe("INVALID_CONFIG");
    expect(String((error as Error).message)).toMatch(/command/);
  });
}

/** What only the native driver does: host env and PATH rules, users, limits, warnings, adoption. */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { collectLogs, runToEnd, waitDone } from "../../../test/orchestra/helpers.ts";
import { JetwayError } from "../../protocol/errors.ts";
import { createDriver } from "../index.ts";
import type { Driver, Task } from "../types.ts";
import { DEFAULT_PATH, findTool } from "./command.ts";
import type { NativeContainer } from "./container.ts";
import type { NativeDriver } from "./driver.ts";
import { containerPaths } from "./paths.ts";

let root: string;
const open: Driver[] = [];
let warnings: string[] = [];
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "jetway-native-unit-"));
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((d) => d.close()));
  warnings = [];
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function driver(namespace = `unit-${counter++}`): Promise<Driver> {
  const d = await createDriver(`native?root=${encodeURIComponent(root)}`, { namespace, warn: (line) => warnings.push(line) });
  open.push(d);
  return d;
}

const task = (id: string, command: string[], extra: Partial<Task> = {}): Task => ({ id, image: "", command, ...extra });

/** The state letter in /proc/PID/stat (R, S, Z...), or "gone". */
async function processState(pid: string): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, "latin1").catch(() => undefined);
  return stat === undefined ? "gone" : (stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "?");
}
const isRoot = process.getuid?.() === 0;

describe("native driver: environment and PATH", () => {
  it("gives the process exactly the task's env, nothing more", async () => {
    const d = await driver();
    const some = await runToEnd(d, task("env", ["env"], { env: { A: "1", B: "two words", EMPTY: "" } }));
    expect(some.logs.stdout.toString().split("\n").filter(Boolean).sort()).toEqual(["A=1", "B=two words", "EMPTY="]);
    const none = await runToEnd(d, task("no-env", ["env"]));
    expect(none.status).toEqual({ isDone: true, exitCode: 0 });
    expect(none.logs.stdout.toString()).toBe("");
  });

  it("without PATH in the env, finds the program in the default PATH but does not add PATH", async () => {
    const d = await driver();
    const { logs } = await runToEnd(d, task("no-path", ["env"], { env: { ONLY: "x" } }));
    expect(logs.stdout.toString()).toBe("ONLY=x\n");
    const error = await d.runContainer(task("missing", ["jetway-surely-missing"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JetwayError);
    expect((error as JetwayError).message).toBe(
      `native driver: task "missing": command "jetway-surely-missing" not found in the default PATH ${DEFAULT_PATH} (the task sets no PATH)`,
    );
  });

  it("with PATH in the env, searches only that PATH", async () => {
    const bin = await mkdtemp(join(root, "bin-"));
    await writeFile(join(bin, "greet"), "#!/bin/sh\necho greetings from $0\n");
    await chmod(join(bin, "greet"), 0o755);
    const d = await driver();
    const found = await runToEnd(d, task("custom", ["greet"], { env: { PATH: bin } }));
    expect(found.logs.stdout.toString()).toBe(`greetings from ${join(bin, "greet")}\n`);
    await expect(d.runContainer(task("no-sh", ["sh", "-c", "true"], { env: { PATH: bin } }))).rejects.toMatchObject({
      code: "DRIVER_FAILED",
      message: `native driver: task "no-sh": command "sh" not found in PATH ${bin}`,
    });
  });

  it("runs a program given by a path relative to the working dir, e.g. inside a mounted volume", async () => {
    const d = await driver();
    const volume = await d.createVolume("scripts");
    expect(volume.hostPath).toBeDefined();
    await writeFile(join(volume.hostPath ?? "", "run.sh"), "#!/bin/sh\necho ran with $# args\n");
    await chmod(join(volume.hostPath ?? "", "run.sh"), 0o755);
    const { logs } = await runToEnd(d, task("rel", ["s/run.sh", "a", "b"], { mounts: [{ volume: "scripts", path: "s" }] }));
    expect(logs.stdout.toString()).toBe("ran with 2 args\n");
    await writeFile(join(volume.hostPath ?? "", "plain.txt"), "not a program");
    await expect(d.runContainer(task("plain", ["s/plain.txt"], { mounts: [{ volume: "scripts", path: "s" }] }))).rejects.toMatchObject({
      code: "DRIVER_FAILED",
      message: 'native driver: task "plain": command "s/plain.txt" is not an executable file',
    });
  });
});

describe("native driver: processes", () => {
  it("reports a death by signal as 128 + the signal number", async () => {
    const d = await driver();
    const { status } = await runToEnd(d, task("killed", ["sh", "-c", "kill -9 $$"]));
    expect(status).toEqual({ isDone: true, exitCode: 137 });
  });

  it("cleanup ends what the task left running in the background before it resolves", async () => {
    const d = await driver();
    const { container, logs } = await runToEnd(d, task("bg", ["sh", "-c", "sleep 60 & echo $!"]));
    const pid = logs.stdout.toString().trim();
    expect(pid).toMatch(/^\d+$/);
    expect(await processState(pid)).not.toBe("gone");
    await container.cleanup();
    // a zombie has ended: reaping it is up to its new parent
    expect(["gone", "Z"]).toContain(await processState(pid));
  });

  it("feeds a large stdin without blocking", async () => {
    const d = await driver();
    const big = Buffer.alloc(4 * 1024 * 1024, "abcdefgh");
    const { logs } = await runToEnd(d, task("big", ["cat"], { stdin: big }));
    expect(logs.stdout.equals(big)).toBe(true);
  });

  it("refuses logs of a cleaned-up container in one line", async () => {
    const d = await driver();
    const { container } = await runToEnd(d, task("gone", ["echo", "x"]));
    await container.cleanup();
    await expect(collectLogs(container)).rejects.toMatchObject({ code: "DRIVER_FAILED", message: 'native driver: container "gone" was cleaned up; its logs are gone' });
  });

  it("adopts a container a previous driver of the namespace ran, without running it again", async () => {
    const first = await driver("adopt");
    await first.createVolume("count");
    const counting = task("count", ["sh", "-c", "echo run >> v/runs; echo done"], { mounts: [{ volume: "count", path: "v" }] });
    await runToEnd(first, counting);
    // a second driver of the same namespace (a restarted runner): same id, same finished container
    const second = await createDriver(`native?root=${encodeURIComponent(root)}`, { namespace: "adopt" });
    const adopted = await second.runContainer(counting);
    expect(await adopted.status()).toEqual({ isDone: true, exitCode: 0 });
    expect((await collectLogs(adopted)).stdout.toString()).toBe("done\n");
    const volume = await second.createVolume("count");
    expect(await readFile(join(volume.hostPath ?? "", "runs"), "utf8")).toBe("run\n");
    await second.close();
  });
});

describe("native driver: container folders", () => {
  const containers = (d: Driver) => join((d as NativeDriver).dir, "containers");

  it.each([
    ["an empty working dir", "true", []],
    ["files and folders the task wrote", "mkdir -p a/b && echo x > a/b/f && echo y > top", []],
    ["a mount link at the top", "echo kept > v/f", [{ volume: "vol", path: "v" }]],
    ["a mount link inside a folder", "echo kept > deep/v/f", [{ volume: "vol", path: "deep/v" }]],
  ])("cleanup removes the container's folder with %s and leaves volumes whole", async (_what, script, mounts) => {
    const d = await driver();
    const volume = await d.createVolume("vol");
    const { container, status } = await runToEnd(d, task("c", ["sh", "-c", script], { mounts }));
    expect(status).toEqual({ isDone: true, exitCode: 0 });
    await container.cleanup();
    // the working dir and the log and exit-code files beside it
    expect(await readdir(containers(d))).toEqual([]);
    if (mounts.length > 0) expect(await readFile(join(volume.hostPath ?? "", "f"), "utf8")).toBe("kept\n");
    await container.cleanup();
  });

  it("starts afresh over the folder of a driver that died mid-task (no exit code recorded)", async () => {
    const d = await driver();
    const paths = containerPaths((d as NativeDriver).dir, "again");
    await mkdir(join(paths.work, "half"), { recursive: true });
    await writeFile(paths.stdout, "from the dead driver\n");
    const { logs, status } = await runToEnd(d, task("again", ["sh", "-c", "ls; echo fresh"]));
    expect(status).toEqual({ isDone: true, exitCode: 0 });
    expect(logs.stdout.toString()).toBe("fresh\n");
  });

  it("streams a log larger than one read chunk whole, in order", async () => {
    const d = await driver();
    const { logs } = await runToEnd(d, task("long", ["sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done"]));
    const lines = logs.stdout.toString().split("\n");
    expect(lines.length).toBe(20001);
    expect(lines[0]).toBe("line 0");
    expect(lines[19999]).toBe("line 19999");
  });
});

describe("native driver: mounts", () => {
  it("accepts absolute mount paths inside the task's working dir", async () => {
    const d = await driver();
    const volume = await d.createVolume("abs");
    const { status } = await runToEnd(
      d,
      task("abs", ["sh", "-c", "echo hi > deep/er/f"], { workingDir: "/tmp/build/x", mounts: [{ volume: "abs", path: "/tmp/build/x/deep/er" }] }),
    );
    expect(status).toEqual({ isDone: true, exitCode: 0 });
    expect(await readFile(join(volume.hostPath ?? "", "f"), "utf8")).toBe("hi\n");
  });

  it.each([
    [{ workingDir: "/w", mounts: [{ volume: "v", path: "/elsewhere" }] }, "mount path /elsewhere is outside the working dir /w"],
    [{ mounts: [{ volume: "v", path: "/abs" }] }, "mount path /abs is absolute and the task has no workingDir; the native driver mounts only inside the working dir"],
    [{ mounts: [{ volume: "v", path: "a" }, { volume: "v", path: "a/b" }] }, "mount a/b lies inside mount a; the native driver cannot nest mounts"],
    [{ mounts: [{ volume: "v", path: "." }] }, "mount . would replace the working dir itself"],
    [{ mounts: [{ volume: "nope", path: "x" }] }, 'volume "nope" does not exist (createVolume first)'],
  ])("refuses %j", async (extra, message) => {
    const d = await driver();
    await d.createVolume("v");
    await expect(d.runContainer(task("m", ["true"], extra as Partial<Task>))).rejects.toMatchObject({
      code: "DRIVER_FAILED",
      message: `native driver: task "m": ${message}`,
    });
    // nothing of the refused task stays on disk
    expect(await readdir(join((d as NativeDriver).dir, "containers")).catch(() => [])).toEqual([]);
  });
});

describe("native driver: image, user, privileged, limits", () => {
  it("warns once per kind about what it cannot honour", async () => {
    const d = await driver();
    await d.createVolume("ro");
    for (const id of ["a", "b"]) {
      await runToEnd(d, task(id, ["true"], { image: `busybox:${id}`, privileged: true, mounts: [{ volume: "ro", path: "r", readOnly: true }] }));
    }
    expect(warnings).toEqual([
      "native driver: images are not used; tasks run on this host (first: busybox:a)",
      "native driver: privileged has no meaning for host processes; tasks run with the driver's own rights",
      "native driver: read-only mounts are not enforced (mounts are symlinks)",
    ]);
  });

  it.runIf(isRoot)("runs the task as its user when the driver runs as root", async () => {
    const d = await driver();
    const { logs, container } = await runToEnd(d, task("nobody", ["sh", "-c", "id -u; id -g; touch mine && echo wrote"], { user: "65534" }));
    expect(logs.stdout.toString()).toBe("65534\n65534\nwrote\n");
    expect(container.id).toBe("nobody");
    const named = await runToEnd(d, task("named", ["id", "-u"], { user: "nobody:0" }));
    expect(named.logs.stdout.toString()).toBe("65534\n");
    await expect(d.runContainer(task("who", ["true"], { user: "jetway-no-such-user" }))).rejects.toMatchObject({
      message: 'native driver: task "who": user "jetway-no-such-user" is not in /etc/passwd',
    });
  });

  it.runIf(!isRoot)("warns that it cannot switch users when not root", async () => {
    const d = await driver();
    const { logs } = await runToEnd(d, task("nobody", ["id", "-u"], { user: "65534" }));
    expect(logs.stdout.toString()).toBe(`${process.getuid?.()}\n`);
    expect(warnings.some((w) => w.startsWith("native driver: not running as root"))).toBe(true);
  });

  it("lowers the priority for cpu shares below 1024", async () => {
    expect(await findTool("nice")).toBeDefined();
    const d = await driver();
    const low = await runToEnd(d, task("low", ["nice"], { limits: { cpu: 128 } }));
    expect(low.logs.stdout.toString()).toBe("9\n");
    const normal = await runToEnd(d, task("normal", ["nice"], { limits: { cpu: 1024 } }));
    expect(normal.logs.stdout.toString()).toBe("0\n");
  });

  it("holds a task to its memory limit (allocation past it fails)", async () => {
    expect(await findTool("prlimit")).toBeDefined();
    const d = await driver();
    const allocate = ["-e", "const b = Buffer.allocUnsafe(1536 * 1024 * 1024); console.log(b.length > 0 ? 'allocated' : '')"];
    const limited = await runToEnd(d, task("limited", [process.execPath, ...allocate], { limits: { memory: 1024 * 1024 * 1024 } }));
    expect(limited.status.exitCode).not.toBe(0);
    expect(limited.logs.stdout.toString()).toBe("");
    const free = await runToEnd(d, task("free", [process.execPath, ...allocate]));
    expect(free.logs.stdout.toString()).toBe("allocated\n");
    expect(free.status).toEqual({ isDone: true, exitCode: 0 });
  });

  it("gives the working dir to the task's user", async () => {
    const d = await driver();
    const { container } = await runToEnd(d, task("own", ["true"], isRoot ? { user: "65534" } : {}));
    const native = container as unknown as NativeContainer;
    expect((await stat(native.paths.work)).uid).toBe(isRoot ? 65534 : process.getuid?.());
    await waitDone(container);
  });
});

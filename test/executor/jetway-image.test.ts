/**
 * The jetway/jetway image (images/jetway/Dockerfile, built by `npm run images`)
 * for real, on the Docker engine, with the executor's defaults for the image,
 * the CLI's path in it and the step image:
 *
 * - its CLI: every golden fixture of time and mock, the request on stdin of
 *   `docker run -i jetway/jetway resource <type> <op> [dir]`, against the
 *   fixture and against the in-process type (exit code, stdout, files);
 * - sidecar: the strategy's task, its command run in jetway/jetway with the
 *   volume mounted;
 * - init: the strategy's init container run in jetway/jetway against a fresh
 *   docker volume (the emptyDir), then the step's command in
 *   jetway/node-base:24, which holds no jetway, with that volume and the
 *   operation's volume mounted.
 *
 * The docker driver runs no pods, so the strategies' tasks go through
 * PodsOnDocker (pods-on-docker.ts): their init containers and scratch volumes
 * become docker tasks and volumes, in a kubelet's order; the commands, images
 * and mounts are the strategies' own. Skipped locally with the reason when the
 * engine, a current jetway/jetway:latest or the node image is missing; a
 * failure under CI=true.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerProbe, imageExists, jetwayImageUpToDate, runContainer } from "../../images/lib.ts";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import {
  DEFAULT_JETWAY_CLI,
  DEFAULT_JETWAY_IMAGE,
  DEFAULT_NODE_IMAGE,
  NativeFirstExecutor,
  type DeliveryChoice,
  type ExecutorOptions,
  type ResourceOperation,
} from "../../src/executor/index.ts";
import type { Volume } from "../../src/orchestra/types.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { loadFixtures, runFixture, type LoadedFixture } from "../golden/harness.ts";
import { inProcessPath } from "../golden/host-paths.ts";
import { jetwayCliPath } from "../images/helpers.ts";
import { describeWithService, type ServiceProbe } from "../support/services.ts";
import { dockerNamedVolumes, type TestDriver } from "./drivers.ts";
import { executorPath, runnableByExecutor } from "./executor-paths.ts";
import { PodsOnDocker } from "./pods-on-docker.ts";

const TYPES = ["time", "mock"];
const fixtures = loadFixtures(TYPES);
const registry = createDefaultRegistry();

const jetwayImageService: ServiceProbe = {
  name: "docker with jetway/jetway:latest",
  async probe() {
    const engine = await dockerProbe();
    if (engine !== true) return engine;
    const image = await jetwayImageUpToDate("latest");
    if (image !== true) return image;
    return (await imageExists(DEFAULT_NODE_IMAGE)) ? true : `image ${DEFAULT_NODE_IMAGE} is missing: run npm run images:base`;
  },
};

/** The image's own entrypoint, as a user runs it: `docker run -i jetway/jetway resource T op [dir]`, as root. */
const imageCliPath = jetwayCliPath({ name: "jetway/jetway CLI", tag: "latest" });

/** Whether the fixture pins exact bytes of `what`, rather than matching run-dependent parts (`{{...}}`). */
function exact(loaded: LoadedFixture, what: "stdout" | "files"): boolean {
  return !JSON.stringify(loaded.fixture.expect[what] ?? "").includes("{{");
}

await describeWithService(jetwayImageService, "jetway/jetway on docker: its CLI, and the sidecar and init deliveries", () => {
  let named: TestDriver;
  let pods: PodsOnDocker;

  beforeAll(async () => {
    named = await dockerNamedVolumes();
    pods = new PodsOnDocker(named.driver);
  });
  afterAll(async () => {
    await named?.close();
  });

  /** The executor with every delivery default: jetway/jetway:latest, its CLI path, jetway/node-base:24. */
  function executor(delivery: DeliveryChoice, settings: Partial<ExecutorOptions> = {}): NativeFirstExecutor {
    return new NativeFirstExecutor({ registry, delivery, ...settings });
  }

  describe.concurrent("every golden fixture of time and mock through the image's CLI gives the in-process answer", () => {
    for (const loaded of fixtures) {
      it(`${loaded.type}/${loaded.name}`, { timeout: 120_000 }, async () => {
        const inProcess = await runFixture(inProcessPath, loaded);
        const image = await runFixture(imageCliPath, loaded);
        expect(inProcess.problems, `in-process: ${loaded.fixture.description}`).toEqual([]);
        expect(image.problems, `image: ${loaded.fixture.description}`).toEqual([]);
        expect(image.output.exitCode).toBe(inProcess.output.exitCode);
        expect(image.normalised).toBe(inProcess.normalised);
        // where the answer does not depend on the instant of the run, the same bytes
        if (exact(loaded, "stdout")) expect(image.output.stdout).toBe(inProcess.output.stdout);
        if (exact(loaded, "files")) expect(image.files).toEqual(inProcess.files);
      });
    }
  });

  // sidecar: every fixture an executor can run; init: those with a volume (in and
  // out), since a check differs from them in nothing the init container does
  describe("sidecar and init through the executor, the golden fixtures they can run", () => {
    const hows = { sidecar: [] as string[], init: [] as string[] };
    const [sidecar, init] = (["sidecar", "init"] as const).map((delivery) =>
      executorPath({
        name: `${delivery} (jetway/jetway on docker)`,
        driver: () => pods,
        executor: executor(delivery),
        volumeDir: (volume) => named.volumeDir(volume),
        available: async () => true,
        hows: hows[delivery],
      }),
    );
    const runnable = fixtures.filter(runnableByExecutor);
    const pathsFor = (loaded: LoadedFixture) => (loaded.fixture.op === "check" ? [sidecar!] : [sidecar!, init!]);
    const succeeding = (op: (o: string) => boolean) => runnable.filter((f) => op(f.fixture.op) && f.fixture.expect.exitCode === 0).length;

    describe.concurrent("fixtures", () => {
      for (const loaded of runnable) {
        it(`${loaded.type}/${loaded.name}`, { timeout: 180_000 }, async () => {
          const expected = await runFixture(inProcessPath, loaded);
          expect(expected.problems, `in-process: ${loaded.fixture.description}`).toEqual([]);
          for (const path of pathsFor(loaded)) {
            const outcome = await runFixture(path, loaded);
            expect(outcome.problems, `${path.name}: ${loaded.fixture.description}`).toEqual([]);
            expect(outcome.normalised, path.name).toBe(expected.normalised);
            if (exact(loaded, "files")) expect(outcome.files, path.name).toEqual(expected.files);
          }
        });
      }
    });

    it("each ran the way it is named, with the default images", () => {
      expect(new Set(hows.sidecar)).toEqual(new Set([`native, jetway container ${DEFAULT_JETWAY_IMAGE} in the step's pod on docker`]));
      expect(new Set(hows.init)).toEqual(
        new Set([`native, copied by an init container of ${DEFAULT_JETWAY_IMAGE} into ${DEFAULT_NODE_IMAGE} on docker`]),
      );
      // a failing operation throws and leaves no `how`: one per fixture that succeeds
      expect(hows.sidecar).toHaveLength(succeeding(() => true));
      expect(hows.init).toHaveLength(succeeding((op) => op !== "check"));
      expect(hows.init.length).toBeGreaterThan(5);
    });
  });

  describe("what each strategy ran, container by container", () => {
    async function mockGet(delivery: DeliveryChoice, settings: Partial<ExecutorOptions> = {}) {
      const volume = await pods.createVolume(`get-${delivery}-${Math.random().toString(36).slice(2, 8)}`);
      const from = { tasks: pods.tasks.length, inits: pods.initRuns.length };
      let stderr = "";
      const operation: ResourceOperation = {
        op: "in",
        resourceName: "m",
        type: "mock",
        request: { source: { create_files: { "a.txt": "from jetway/jetway\n", "deep/b.txt": "b\n" } }, version: { version: "7" } },
        volume,
        env: { BUILD_NAME: "3" },
        stderr: (text) => (stderr += text),
      };
      const result = await executor(delivery, settings).run(operation, pods);
      return { result, stderr, volume, tasks: pods.tasks.slice(from.tasks), inits: pods.initRuns.slice(from.inits) };
    }

    const read = async (volume: Volume, file: string) => readFile(join(await named.volumeDir(volume), file), "utf8");

    it("sidecar: one container of jetway/jetway runs `node /usr/local/lib/jetway/jetway.js resource mock in get` in /tmp/build", async () => {
      const { result, stderr, volume, tasks } = await mockGet("sidecar");
      expect(result.response).toEqual({ version: { version: "7" }, metadata: null });
      expect(stderr).toContain("fetching version: 7");
      expect(await read(volume, "a.txt")).toBe("from jetway/jetway\n");
      expect(await read(volume, "deep/b.txt")).toBe("b\n");
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        image: DEFAULT_JETWAY_IMAGE,
        command: ["node", DEFAULT_JETWAY_CLI, "resource", "mock", "in", "get"],
        workingDir: "/tmp/build",
        mounts: [{ volume: volume.name, path: "get" }],
      });
      expect(tasks[0]!.initContainers).toBeUndefined();
    });

    it("sidecar: a put reads its inputs from the mounted volume", async () => {
      const volume = await pods.createVolume(`put-sidecar-${Math.random().toString(36).slice(2, 8)}`);
      await writeFile(join(await named.volumeDir(volume), "version.txt"), "from-the-volume");
      const result = await executor("sidecar").run(
        { op: "out", resourceName: "m", type: "mock", request: { source: {}, params: { file: "version.txt" } }, volume, env: {}, stderr: () => undefined },
        pods,
      );
      // mock's version also says whether it ran privileged: what matters here is the file's content
      expect(result.response).toMatchObject({ version: { version: "from-the-volume" }, metadata: null });
    });

    it("init: jetway/jetway copies the CLI's whole folder into the scratch volume; jetway/node-base:24, which has no jetway, runs it from there", async () => {
      const { result, volume, tasks, inits } = await mockGet("init");
      expect(result.response).toEqual({ version: { version: "7" }, metadata: null });
      expect(await read(volume, "a.txt")).toBe("from jetway/jetway\n");
      expect(await read(volume, "deep/b.txt")).toBe("b\n");

      expect(tasks).toHaveLength(1);
      const [task] = tasks;
      const scratch = task!.scratchVolumes?.[0];
      expect(task!.scratchVolumes).toEqual([scratch]);
      expect(task).toMatchObject({
        image: DEFAULT_NODE_IMAGE,
        command: ["node", ".jetway/jetway.js", "resource", "mock", "in", "get"],
        workingDir: "/tmp/build",
        mounts: [
          { volume: scratch, path: ".jetway", readOnly: true },
          { volume: volume.name, path: "get" },
        ],
      });
      // the init container ran as the strategy built it, in the jetway image, and succeeded
      expect(inits).toHaveLength(1);
      expect(inits[0]!.task).toEqual({
        id: `${task!.id}/jetway-install`,
        image: DEFAULT_JETWAY_IMAGE,
        command: task!.initContainers![0]!.command,
        mounts: [{ volume: scratch, path: ".jetway" }],
        workingDir: "/tmp/build",
      });
      expect(inits[0]!.task.command).toEqual(["node", "-e", expect.any(String), DEFAULT_JETWAY_CLI, ".jetway"]);
      expect(inits[0]!.exitCode, inits[0]!.stderr).toBe(0);

      // the step's image could not have run jetway on its own
      const probe = await runContainer({ image: DEFAULT_NODE_IMAGE, cmd: ["node", "-e", 'console.log(require("node:fs").existsSync("/usr/local/lib/jetway"))'] });
      expect(probe).toMatchObject({ exitCode: 0, stdout: "false\n" });
    });

    it("init: the copy holds what the image's CLI folder holds (the entry, its chunks, the package.json saying ESM)", async () => {
      // the strategy's own pod again, with a step that lists the copy instead of running it
      const { tasks } = await mockGet("init");
      const { stdin: _stdin, ...pod } = tasks[0]!;
      const scratch = pod.scratchVolumes![0]!;
      const list = 'const fs = require("node:fs"); console.log(JSON.stringify(fs.readdirSync(".jetway", { recursive: true }).sort()), fs.readFileSync(".jetway/package.json", "utf8").trim())';
      const container = await pods.runContainer({
        ...pod,
        id: `${pod.id}-list`,
        command: ["node", "-e", list],
        mounts: pod.mounts!.filter((m) => m.volume === scratch),
      });
      let stdout = "";
      await container.logs((chunk) => (stdout += Buffer.from(chunk).toString("utf8")), () => undefined, { follow: true });
      await container.cleanup();
      const inImage = await runContainer({
        image: DEFAULT_JETWAY_IMAGE,
        entrypoint: ["/usr/local/bin/node", "-e", 'console.log(JSON.stringify(require("node:fs").readdirSync("/usr/local/lib/jetway", { recursive: true }).sort()))'],
      });
      expect(inImage.exitCode, inImage.stderr).toBe(0);
      const [copied, packageJson] = stdout.trim().split(" ");
      expect(JSON.parse(copied!)).toEqual(JSON.parse(inImage.stdout));
      expect(JSON.parse(copied!)).toEqual(expect.arrayContaining(["jetway.js", "package.json"]));
      expect(JSON.parse(packageJson!)).toEqual({ type: "module" });
    });

    it("init: a CLI path missing from the image fails the init container, one line naming it, and the step never runs", async () => {
      const error = await mockGet("init", { jetwayCli: "/usr/local/lib/jetway/no-such-file.js" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isJetwayError(error) && error.code).toBe("DRIVER_FAILED");
      expect((error as Error).message).toMatch(
        /^m: in could not run \(native, copied by an init container .*\): docker driver: task ".*": init container jetway-install exited 1$/,
      );
      const inits = pods.initRuns.filter((r) => r.task.command.includes("/usr/local/lib/jetway/no-such-file.js"));
      expect(inits).toHaveLength(1);
      expect(inits[0]!.stderr).toContain("ENOENT");
    });

    it("sidecar: a failing operation is its exit code and stderr line, nothing else", async () => {
      const error = await executor("sidecar")
        .run({ op: "check", resourceName: "t", type: "time", request: { source: { interval: "abc" } }, env: {}, stderr: () => undefined }, pods)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isJetwayError(error) && error.code).toBe("OPERATION_FAILED");
      expect((error as Error).message).toBe(
        `t: check exited 1 (native, jetway container ${DEFAULT_JETWAY_IMAGE} in the step's pod on docker): parse error: time: invalid duration "abc"`,
      );
    });
  });
});

/**
 * Same answer whichever path: the golden fixtures of the native types (time,
 * mock, and git's that need no served repository) run through the executor by
 * every delivery strategy a test driver supports, and through the fallback
 * (the type's own jetway image). Each path must satisfy the fixture and all
 * must agree: exit code, response, files.
 *
 * Paths: in-process (docker, host volumes), mounted (docker, named volumes:
 * what `auto` picks there), the image (docker, native: false), sidecar and
 * init (the k8s API fake, whose kubelet runs the pod's commands on this host).
 * Fixtures that send raw stdin are left out: the executor always serialises
 * the runner's request object.
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { NativeFirstExecutor, type DeliveryChoice } from "../../src/executor/index.ts";
import { dockerService } from "../orchestra/docker-target.ts";
import { loadFixtures, runFixture, type DeliveryPath, type FixtureOutcome } from "../golden/harness.ts";
import { checkService, inCI } from "../support/services.ts";
import {
  FAKE_JETWAY_IMAGE,
  FAKE_NODE_IMAGE,
  dockerHostVolumes,
  dockerImagesReady,
  dockerNamedVolumes,
  k8sFake,
  snapshotDist,
  type TestDriver,
} from "./drivers.ts";
import { executorPath, runnableByExecutor } from "./executor-paths.ts";

const TYPES = ["time", "mock", "git"];
const fixtures = loadFixtures(TYPES).filter(runnableByExecutor);
const registry = createDefaultRegistry();

const dockerStatus = await checkService(dockerService);
const imagesStatus = dockerStatus === true ? await dockerImagesReady(TYPES) : dockerStatus;
const dockerReady = dockerStatus === true && imagesStatus === true;
if (!dockerReady && !inCI) console.warn(`[skip] executor conformance on docker: ${imagesStatus}`);

interface PathUnderTest {
  path: DeliveryPath;
  /** what every result's `how` must say */
  how: RegExp;
  hows: string[];
}

/**
 * A copy of dist/ taken before the run: what the mounted, sidecar and init paths
 * deliver must not change under them when `npm run build` runs meanwhile.
 */
const dist = mkdtempSync(join(tmpdir(), "jetway-executor-dist-"));

const drivers: Record<string, TestDriver | undefined> = {};
const paths: PathUnderTest[] = [];

function addPath(name: string, driverKey: string, options: { delivery?: DeliveryChoice; native?: false; how: RegExp; k8s?: boolean }): void {
  const hows: string[] = [];
  const executor = new NativeFirstExecutor({
    registry,
    bundlesDir: join(dist, "resource-types"),
    ...(options.delivery !== undefined && { delivery: options.delivery }),
    ...(options.k8s && { jetwayImage: FAKE_JETWAY_IMAGE, nodeImage: FAKE_NODE_IMAGE, jetwayCli: join(dist, "cli", "jetway.js") }),
  });
  const driver = () => drivers[driverKey]?.driver ?? raise(`driver ${driverKey} is not set up`);
  paths.push({
    how: options.how,
    hows,
    path: executorPath({
      name,
      driver,
      executor,
      hows,
      ...(options.native !== undefined && { native: options.native }),
      volumeDir: (volume) => drivers[driverKey]!.volumeDir(volume),
      available: async () => true,
    }),
  });
}

if (dockerReady || inCI) {
  addPath("in-process (docker, host volumes, auto)", "dockerHost", { how: /^native, in-process$/ });
  addPath("mounted (docker, named volumes)", "dockerNamed", { delivery: "mounted", how: /^native, bundle mounted into jetway\/node-base:24 on docker$/ });
  addPath("image (docker, native: false)", "dockerNamed", { native: false, how: /^image jetway\/[a-z]+-resource:latest on docker$/ });
}
addPath("sidecar (k8s fake)", "k8s", { delivery: "sidecar", k8s: true, how: /^native, jetway container jetway\/jetway:test in the step's pod on k8s$/ });
addPath("init (k8s fake)", "k8s", { delivery: "init", k8s: true, how: /^native, copied by an init container of jetway\/jetway:test into jetway\/node-base:test on k8s$/ });

beforeAll(async () => {
  await snapshotDist(dist);
  if (dockerReady || inCI) {
    expect(imagesStatus, "CI must start Docker and build the images (npm run images)").toBe(true);
    drivers.dockerHost = await dockerHostVolumes();
    drivers.dockerNamed = await dockerNamedVolumes();
  }
  drivers.k8s = await k8sFake();
});

afterAll(async () => {
  const closing = Object.values(drivers).map((d) => d?.close());
  const failures = (await Promise.allSettled(closing)).filter((r) => r.status === "rejected");
  await rm(dist, { recursive: true, force: true });
  expect(failures).toEqual([]);
});

describe("executor conformance: golden fixtures through every delivery", () => {
  it("covers every type named, and more than a handful of fixtures each", () => {
    for (const type of TYPES) expect(fixtures.filter((f) => f.type === type).length, type).toBeGreaterThan(5);
  });

  describe.concurrent("fixtures", () => {
    for (const loaded of fixtures) {
      it(`${loaded.type}/${loaded.name}`, { timeout: 180_000 }, async () => {
        const outcomes: [string, FixtureOutcome][] = [];
        for (const { path } of paths) outcomes.push([path.name, await runFixture(path, loaded)]);
        for (const [name, outcome] of outcomes) expect(outcome.problems, `${name}: ${loaded.fixture.description}`).toEqual([]);
        const [first] = outcomes;
        for (const [name, outcome] of outcomes) expect(outcome.normalised, `${name} against ${first![0]}`).toBe(first![1].normalised);
      });
    }
  });

  it("each path ran the way it is named", () => {
    for (const { path, how, hows } of paths) {
      expect(hows.length, path.name).toBeGreaterThan(0);
      for (const seen of new Set(hows)) expect(seen, path.name).toMatch(how);
    }
  });
});

function raise(message: string): never {
  throw new Error(message);
}

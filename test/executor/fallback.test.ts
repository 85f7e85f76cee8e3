/**
 * The container fallback on the docker driver against the real engine: a
 * resource type jetway does not implement (a shell-script resource in a local
 * image, built here) declared in resource_types, doing check, get and put
 * through the build engine; a type whose image comes from another custom type;
 * and the bad cases: no /opt/resource/check, garbage on stdout, a failing
 * exit, a hang past the step timeout (killed).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { NativeFirstExecutor, type ResourceOperation } from "../../src/executor/index.ts";
import type { ResourceTypeConfig } from "../../src/pipeline/types.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { runBuild } from "../../src/runner/build/index.ts";
import { MemoryRecorder, pipeline } from "../../src/runner/build/testing.ts";
import { TEST_SHELL_IMAGE, dockerLeftovers, dockerService } from "../orchestra/docker-target.ts";
import { describeWithService } from "../support/services.ts";
import { dockerHostVolumes, type TestDriver } from "./drivers.ts";
import { SHELL_RESOURCE_REPOSITORY, buildShellResource, removeShellResource } from "./shell-resource.ts";

await describeWithService(dockerService, "executor fallback: container-based resource types on docker", () => {
  let tag = "";
  let docker: TestDriver;
  const executor = new NativeFirstExecutor({ registry: createDefaultRegistry() });
  const shellType = (): ResourceTypeConfig => ({ name: "shell", type: "registry-image", source: { repository: SHELL_RESOURCE_REPOSITORY, tag } });

  beforeAll(async () => {
    tag = await buildShellResource();
    docker = await dockerHostVolumes();
  });
  afterAll(async () => {
    await docker?.close();
    if (tag !== "") await removeShellResource(tag);
  });

  function check(source: Record<string, unknown>, resourceTypes: ResourceTypeConfig[], type = "shell", log?: string[]): Promise<unknown> {
    const operation: ResourceOperation = {
      op: "check",
      resourceName: "thing",
      type,
      request: { source },
      env: {},
      stderr: (text) => log?.push(text),
      resourceTypes,
    };
    return executor.run(operation, docker.driver);
  }

  async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
    try {
      await promise;
    } catch (e) {
      if (isJetwayError(e)) return { code: e.code, message: e.message };
      throw e;
    }
    throw new Error("expected the operation to fail");
  }

  it("check, get and put of a custom type run its image, end to end through a build", async () => {
    const log: string[] = [];
    const checked = (await check({ flavour: "plain" }, [shellType()], "shell", log)) as { response: unknown; how: string; why: string };
    expect(checked.response).toEqual([{ ref: "one" }]);
    expect(checked.how).toBe(`image ${SHELL_RESOURCE_REPOSITORY}:${tag} on docker`);
    expect(checked.why).toBe("shell is not a native type; resource_types shell (registry-image)");
    expect(log.join("")).toBe("checking plain\n");

    const p = pipeline({
      resource_types: [shellType()],
      resources: [{ name: "thing", type: "shell", source: { flavour: "plain" } }],
      jobs: [
        {
          name: "build",
          plan: [
            { get: "thing" },
            {
              task: "make",
              config: {
                platform: "linux",
                image_resource: { type: "registry-image", source: { repository: TEST_SHELL_IMAGE.split(":")[0] } },
                inputs: [{ name: "thing" }],
                outputs: [{ name: "out" }],
                run: { path: "sh", args: ["-ec", 'cat thing/request.json; echo; grep ^BUILD_JOB_NAME= thing/env; printf "v-$(cat thing/ref)" > out/ref'] },
              },
            },
            { put: "thing", params: { file: "out/ref" } },
          ],
        },
      ],
    });
    const recorder = new MemoryRecorder();
    const outcome = await runBuild({
      pipeline: p,
      job: p.jobs![0]!,
      buildName: "1",
      pipelineName: "fallback",
      inputs: new Map([["thing", { ref: "one" }]]),
      driver: docker.driver,
      executor,
      recorder,
      signal: new AbortController().signal,
    });
    expect(outcome, recorder.finished().join(", ")).toEqual({ status: "succeeded" });
    expect(recorder.finished()).toEqual(["plan.0 succeeded", "plan.1 succeeded", "plan.2 succeeded", "plan.2.get succeeded"]);
    expect(recorder.text("plan.0", "stderr")).toBe("fetching one into /tmp/build/get\n");
    // the task saw what `in` was given: the request (source and version) and Concourse's build env
    expect(recorder.text("plan.1")).toBe('{"source":{"flavour":"plain"},"version":{"ref":"one"}}\nBUILD_JOB_NAME=build\n');
    expect(recorder.text("plan.2", "stderr")).toBe("pushing v-one from out thing \n");
    const io = recorder.events.flatMap((e) => (e.type === "input" || e.type === "output" ? [[e.type, e.resource, e.version, e.metadata]] : []));
    expect(io).toEqual([
      ["input", "thing", { ref: "one" }, [{ name: "fetched_by", value: "shell" }]],
      ["output", "thing", { ref: "v-one" }, [{ name: "pushed_by", value: "shell" }]],
    ]);
    expect(recorder.text("plan.2.get", "stderr")).toBe("fetching v-one into /tmp/build/get\n");
  });

  it("a check from a version passes it on stdin and returns the type's list as it is", async () => {
    const result = await executor.run(
      { op: "check", resourceName: "thing", type: "shell", request: { source: {}, version: { ref: "two" } }, env: {}, stderr: () => undefined, resourceTypes: [shellType()] },
      docker.driver,
    );
    expect(result.response).toEqual([{ ref: "two" }, { ref: "two-next" }]);
  });

  it("a type whose image comes from another custom type: that type's check names the image", async () => {
    const types: ResourceTypeConfig[] = [
      { name: "image-maker", type: "registry-image", source: { repository: SHELL_RESOURCE_REPOSITORY, tag } },
      { name: "chained", type: "image-maker", source: { repository: SHELL_RESOURCE_REPOSITORY, emit_tag: tag, flavour: "for-the-image" } },
    ];
    const log: string[] = [];
    const result = await executor.run(
      { op: "check", resourceName: "thing", type: "chained", request: { source: { flavour: "chained" } }, env: {}, stderr: (t) => log.push(t), resourceTypes: types },
      docker.driver,
    );
    expect(result.response).toEqual([{ ref: "one" }]);
    expect(result.how).toBe(`image ${SHELL_RESOURCE_REPOSITORY}:${tag} on docker`);
    expect(result.why).toBe("chained is not a native type; resource_types chained, image from a check of image-maker");
    // the image's check ran first (in image-maker's image), then the resource's own
    expect(log.join("")).toBe("checking for-the-image\nchecking chained\n");
  });

  it("an image without /opt/resource/check is one line naming the resource, the image and the missing program", async () => {
    const types: ResourceTypeConfig[] = [{ name: "empty", type: "registry-image", source: { repository: "jetway/test-busybox" } }];
    const error = await errorOf(check({}, types, "empty"));
    expect(error.code).toBe("DRIVER_FAILED");
    expect(error.message).toMatch(/^thing: check could not run \(image jetway\/test-busybox:latest on docker\): docker driver: task ".*": cannot start: .*\/opt\/resource\/check.*$/);
    expect(error.message).not.toContain("\n");
  });

  it("garbage on stdout is a clear error quoting it; a failing exit gives its code and last stderr line", async () => {
    const garbage = await errorOf(check({ mode: "garbage" }, [shellType()]));
    expect(garbage).toEqual({
      code: "OPERATION_FAILED",
      message: `thing: check printed invalid JSON on stdout (image ${SHELL_RESOURCE_REPOSITORY}:${tag} on docker): "this is not json"`,
    });
    const failed = await errorOf(check({ mode: "fail" }, [shellType()]));
    expect(failed).toEqual({
      code: "OPERATION_FAILED",
      message: `thing: check exited 3 (image ${SHELL_RESOURCE_REPOSITORY}:${tag} on docker): the remote said no`,
    });
  });

  it("a get that hangs past the step's timeout fails the step, and its container is killed and removed", async () => {
    const p = pipeline({
      resource_types: [shellType()],
      resources: [{ name: "thing", type: "shell", source: { mode: "hang" } }],
      jobs: [{ name: "hang", plan: [{ get: "thing", timeout: "3s" }] }],
    });
    const recorder = new MemoryRecorder();
    const outcome = await runBuild({
      pipeline: p,
      job: p.jobs![0]!,
      buildName: "1",
      inputs: new Map([["thing", { ref: "one" }]]),
      driver: docker.driver,
      executor,
      recorder,
      signal: new AbortController().signal,
    });
    expect(outcome).toEqual({ status: "failed", detail: "timed out after 3s" });
    expect(recorder.text("plan.0", "stderr")).toBe("hanging\n");
    const containers = (await dockerLeftovers(docker.driver.namespace)).filter((l) => l.startsWith("container"));
    expect(containers).toEqual([]);
  });

  it("resource_types that form a cycle are refused, naming it", async () => {
    const types: ResourceTypeConfig[] = [
      { name: "a", type: "b", source: { repository: "x" } },
      { name: "b", type: "a", source: { repository: "y" } },
    ];
    const error = await errorOf(check({}, types, "a"));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toMatch(/resource_types form a cycle: a -> b -> a$/);
  });
});

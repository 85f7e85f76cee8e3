/** The build engine's pure parts: var filling, put input selection, task images, limits and env. */
import { describe, expect, it } from "vitest";
import type { Volume } from "../../orchestra/types.ts";
import type { TaskConfig, TaskStep } from "../../pipeline/types.ts";
import { Scope } from "./scope.ts";
import { selectPutInputs } from "./steps/put-inputs.ts";
import { taskImage } from "./steps/task-image.ts";
import { placeProcess } from "./steps/task.ts";
import { taskEnv, taskLimits } from "./steps/task-limits.ts";
import { interpolate, parseVarRef, type VarLookup } from "./vars.ts";

const vars: Record<string, unknown> = { name: "w", n: 3, flag: true, list: [1, 2], map: { a: { b: "deep" }, "x.y": "dotted" }, nothing: null };
const lookup: VarLookup = (ref) => (ref.source === "." ? (Object.hasOwn(vars, ref.name) ? { found: true, value: vars[ref.name] } : { found: false }) : "skip");

describe("vars", () => {
  it("parses sources, names and fields, quoted fields included", () => {
    expect(parseVarRef(" .:map.a.b ")).toEqual({ text: ".:map.a.b", source: ".", name: "map", fields: ["a", "b"] });
    expect(parseVarRef('.:map."x.y"')).toMatchObject({ name: "map", fields: ["x.y"] });
    expect(parseVarRef("plain")).toEqual({ text: "plain", source: undefined, name: "plain", fields: [] });
    expect(parseVarRef("vault:secret.field")).toMatchObject({ source: "vault", name: "secret", fields: ["field"] });
  });

  it("a whole-string reference keeps the value's type; inside a string it becomes text", () => {
    const config = { list: "((.:list))", n: "((.:n))", deep: "((.:map.a.b))", dotted: '((.:map."x.y"))', text: "v((.:n))-((.:flag))-((.:name))", "key-((.:name))": 1 };
    expect(interpolate(config, lookup, "here")).toEqual({ list: [1, 2], n: 3, deep: "deep", dotted: "dotted", text: "v3-true-w", "key-w": 1 });
  });

  it("leaves references the lookup skips as written", () => {
    expect(interpolate({ a: "((pipeline_var))", b: "x ((other:y)) ((.:name))" }, lookup, "here")).toEqual({ a: "((pipeline_var))", b: "x ((other:y)) w" });
  });

  it("refuses undefined vars, missing fields and lists or maps inside strings", () => {
    expect(() => interpolate("((.:gone))", lookup, "step x")).toThrow("step x: undefined var ((.:gone))");
    expect(() => interpolate("((.:map.a.c))", lookup, "step x")).toThrow('step x: var ((.:map.a.c)) has no field "c"');
    expect(() => interpolate("a ((.:list))", lookup, "step x")).toThrow("step x: var ((.:list)) holds a list and cannot be part of a string");
    expect(() => interpolate("a ((.:nothing))", lookup, "step x")).toThrow("holds null");
  });
});

describe("put inputs", () => {
  const scope = new Scope();
  for (const name of ["repo", "out", "version"]) scope.setArtifact(name, { volume: { name, cleanup: async () => {} } as Volume });
  const child = scope.child();
  child.setArtifact("inner", { volume: { name: "inner", cleanup: async () => {} } as Volume });

  it("all (the default) is every visible artifact", () => {
    expect([...selectPutInputs("p", undefined, {}, child).keys()].sort()).toEqual(["inner", "out", "repo", "version"]);
    expect([...selectPutInputs("p", "all", {}, scope).keys()].sort()).toEqual(["out", "repo", "version"]);
  });

  it("detect takes the first path segment of every string in the params, at any depth", () => {
    const params = { file: "./out/v.txt", nested: { list: ["repo/a", "unrelated/b", 7], deeper: { x: "inner" } }, plain: "version-not" };
    expect([...selectPutInputs("p", "detect", params, child).keys()]).toEqual(["out", "repo", "inner"]);
    expect([...selectPutInputs("p", "detect", undefined, child).keys()]).toEqual([]);
  });

  it("a list is exactly those, and a name that is no artifact is an error", () => {
    expect([...selectPutInputs("p", ["version"], {}, scope).keys()]).toEqual(["version"]);
    expect(() => selectPutInputs("p", ["version", "ghost", "spook"], {}, scope)).toThrow("put p: missing inputs: ghost, spook");
  });
});

describe("task image", () => {
  const config = (image_resource?: TaskConfig["image_resource"], extra: Partial<TaskConfig> = {}): TaskConfig => ({
    platform: "linux",
    run: { path: "true" },
    ...(image_resource && { image_resource }),
    ...extra,
  });
  const step: TaskStep = { task: "t" };
  const scope = new Scope();

  it("names registry images by digest when pinned, else by tag (default latest)", () => {
    expect(taskImage(step, config({ type: "registry-image", source: { repository: "busybox" } }), scope, "docker")).toBe("busybox:latest");
    expect(taskImage(step, config({ type: "docker-image", source: { repository: "r/x", tag: "1.2" } }), scope, "docker")).toBe("r/x:1.2");
    expect(taskImage(step, config({ type: "registry-image", source: { repository: "r/x", tag: "1" }, version: { digest: "sha256:ab" } }), scope, "docker")).toBe("r/x@sha256:ab");
    expect(taskImage(step, config(undefined, { rootfs_uri: "docker:///alpine#3.19" }), scope, "docker")).toBe("alpine:3.19");
  });

  it("uses a fetched registry image artifact for image:", () => {
    const images = new Scope();
    images.setArtifact("img", {
      volume: { name: "img", cleanup: async () => {} } as Volume,
      fetched: { type: "registry-image", source: { repository: "127.0.0.1:5000/x" }, version: { digest: "sha256:cd" } },
    });
    expect(taskImage({ task: "t", image: "img" }, config(), images, "docker")).toBe("127.0.0.1:5000/x@sha256:cd");
    expect(() => taskImage({ task: "t", image: "nope" }, config(), images, "docker")).toThrow('task t: image artifact "nope" not found');
  });

  it("other images mean nothing on the native driver, and are refused by container drivers", () => {
    const mock = config({ type: "mock", source: { mirror_self: true } });
    expect(taskImage(step, mock, scope, "native")).toBe("");
    expect(() => taskImage(step, mock, scope, "docker")).toThrow(
      "task t: image_resource type mock is not a registry image; the docker driver needs a registry-image or docker-image",
    );
    expect(() => taskImage(step, config({ type: "registry-image", source: {} }), scope, "native")).toThrow("task t: image_resource: source.repository must be set");
  });
});

describe("task limits and env", () => {
  it("the step's limits override the config's; sizes are binary; zero is no limit", () => {
    expect(taskLimits({ cpu: 512, memory: "1GB" }, undefined, "t")).toEqual({ cpu: 512, memory: 1024 ** 3 });
    expect(taskLimits({ cpu: 512, memory: "1GB" }, { memory: "512 MiB" }, "t")).toEqual({ cpu: 512, memory: 512 * 1024 ** 2 });
    expect(taskLimits({ cpu: 0, memory: 0 }, undefined, "t")).toBeUndefined();
    expect(taskLimits({ memory: 1000 }, { cpu: null }, "t")).toEqual({ memory: 1000 });
    expect(() => taskLimits({ memory: "lots" }, undefined, "task t")).toThrow('task t: container_limits.memory: "lots" is not a size such as 512MB or 1GB');
  });

  it("params become env: the step's over the config's, non-strings as JSON, null as empty", () => {
    expect(taskEnv({ A: "config", B: 1, C: null }, { A: "step", D: { x: [1] }, E: false })).toEqual({ A: "step", B: "1", C: "", D: '{"x":[1]}', E: "false" });
  });
});

describe("task process placement", () => {
  const volume = (name: string) => ({ name, cleanup: async () => {} }) as Volume;
  const mounts = [
    { volume: volume("v-repo"), path: "repo" },
    { volume: volume("v-out"), path: "out/deep" },
  ];
  const config = (dir?: string): TaskConfig => ({ platform: "linux", run: { path: "./build.sh", args: ["x"], ...(dir !== undefined && { dir }) } });

  it("without run.dir: the command as given, mounts relative to the working dir", () => {
    expect(placeProcess({ task: "t" }, config(), mounts, "docker")).toEqual({
      command: ["./build.sh", "x"],
      mounts: [
        { volume: "v-repo", path: "repo" },
        { volume: "v-out", path: "out/deep" },
      ],
    });
    expect(placeProcess({ task: "t" }, config("./"), mounts, "native").command).toEqual(["./build.sh", "x"]);
  });

  it("with run.dir, container drivers start in it and get the mounts as absolute paths", () => {
    expect(placeProcess({ task: "t" }, config("repo/sub/"), mounts, "docker")).toEqual({
      command: ["./build.sh", "x"],
      workingDir: "/tmp/build/work/repo/sub",
      mounts: [
        { volume: "v-repo", path: "/tmp/build/work/repo" },
        { volume: "v-out", path: "/tmp/build/work/out/deep" },
      ],
    });
  });

  it("with run.dir on the native driver, a shell steps into it; a dir outside the working dir is refused", () => {
    expect(placeProcess({ task: "t" }, config("repo"), mounts, "native").command).toEqual(["sh", "-c", 'cd "$1" || exit 1; shift; exec "$@"', "sh", "repo", "./build.sh", "x"]);
    expect(() => placeProcess({ task: "t" }, config("../up"), mounts, "docker")).toThrow('task t: run.dir: path "../up" must stay inside the task\'s working dir');
  });
});

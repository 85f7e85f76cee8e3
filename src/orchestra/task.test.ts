import { describe, expect, it } from "vitest";
import { JetwayError } from "../protocol/errors.ts";
import { DEFAULT_WORKING_DIR, mountPath, validateTask } from "./task.ts";
import type { Task } from "./types.ts";

const base: Task = { id: "t", image: "img", command: ["true"] };

function errorOf(task: unknown): JetwayError {
  try {
    validateTask(task as Task, "test");
  } catch (e) {
    if (e instanceof JetwayError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("validateTask", () => {
  it("accepts a full task", () => {
    const task: Task = {
      ...base,
      env: { A: "1", EMPTY: "" },
      mounts: [{ volume: "v", path: "out", readOnly: true }],
      stdin: new Uint8Array([1, 2]),
      user: "1000:1000",
      privileged: false,
      limits: { cpu: 512, memory: 1 << 30 },
      workingDir: "/tmp/build/x",
    };
    expect(validateTask(task, "test")).toBe(task);
  });

  it.each([
    [{ ...base, command: [] }, 'test driver: task "t": command: must name a program'],
    [{ ...base, id: "" }, /^test driver: task: id: /],
    [{ ...base, env: { "A=B": "x" } }, `test driver: task "t": env: key "A=B" must be non-empty with no '=' or NUL`],
    [{ ...base, env: { A: 1 } }, /env\.A: /],
    [{ ...base, workingDir: "rel" }, /workingDir: must be an absolute path/],
    [{ ...base, mounts: [{ volume: "v", path: "../up" }] }, /mounts\.0\.path: must not contain '\.\.'/],
    [{ ...base, mounts: [{ volume: "v", path: "a" }, { volume: "w", path: `${DEFAULT_WORKING_DIR}/a` }] }, /two mounts at \/tmp\/build\/work\/a/],
    [{ ...base, limits: { memory: -1 } }, /limits\.memory: /],
    [{ ...base, stdin: 5 }, /stdin: /],
  ])("refuses %j in one line naming the key", (task, message) => {
    const error = errorOf(task);
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
  });
});

describe("mountPath", () => {
  it("resolves relative paths against the working dir (or the default)", () => {
    expect(mountPath(base, { volume: "v", path: "out" })).toBe(`${DEFAULT_WORKING_DIR}/out`);
    expect(mountPath({ ...base, workingDir: "/w/" }, { volume: "v", path: "./a/b/" })).toBe("/w/a/b/");
    expect(mountPath(base, { volume: "v", path: "/abs//x" })).toBe("/abs/x");
  });
});

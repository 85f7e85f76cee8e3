import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeName } from "./names.ts";

describe("safeName", () => {
  it("keeps the readable part of an id and adds a digest", () => {
    expect(safeName("get-repo")).toMatch(/^get-repo-[0-9a-f]{10}$/);
    expect(safeName("build/42:get repo")).toMatch(/^build-42-get-repo-[0-9a-f]{10}$/);
    expect(safeName("///")).toMatch(/^[0-9a-f]{10}$/);
  });

  it("is a valid Docker name and directory name, and distinct for distinct ids", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: "binary" }), fc.string({ minLength: 1, unit: "binary" }), (a, b) => {
        const name = safeName(a);
        expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
        expect(name.length).toBeLessThanOrEqual(51);
        if (a !== b) expect(safeName(b)).not.toBe(name);
      }),
      { numRuns: 500 },
    );
  });
});

import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stripspace } from "./push-stripspace.ts";

const git = spawnSync("git", ["--version"]).status === 0;
const cli = (text: string, comments: boolean) =>
  spawnSync("git", ["stripspace", ...(comments ? ["--strip-comments"] : [])], { input: text }).stdout.toString();

describe("stripspace", () => {
  it("cleans as git does", () => {
    expect(stripspace("\n\n  a  \n\n\n b\t\n\n")).toBe("  a\n\n b\n");
    expect(stripspace("# c\nx\n", true)).toBe("x\n");
    expect(stripspace("# c\nx\n")).toBe("# c\nx\n");
    expect(stripspace("")).toBe("");
    expect(stripspace("no newline")).toBe("no newline\n");
  });

  it.skipIf(!git)("matches git stripspace on random text", () => {
    const text = fc.array(fc.constantFrom("a", "b", " ", "\t", "\n", "#", "\r"), { maxLength: 40 }).map((c) => c.join(""));
    fc.assert(
      fc.property(text, fc.boolean(), (t, comments) => {
        expect(stripspace(t, comments)).toBe(cli(t, comments));
      }),
      { numRuns: 200 },
    );
  });
});

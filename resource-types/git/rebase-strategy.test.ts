import { describe, expect, it } from "vitest";
import { JetwayError } from "../../src/protocol/errors.ts";
import { strategyOptions } from "./rebase-strategy.ts";

describe("rebase strategy options", () => {
  it("maps -X options onto the line merge", () => {
    expect(strategyOptions("", ["theirs", "ignore-space-change"])).toEqual({ favor: "theirs", ignore: ["space-change"] });
    expect(strategyOptions("ort", ["patience", "diff-algorithm=histogram"])).toEqual({});
    expect(strategyOptions("recursive", [])).toEqual({});
  });

  it("refuses strategies done only by git, and unknown options as git does", () => {
    expect(() => strategyOptions("octopus", [])).toThrow(/not supported natively.*concourse\/git-resource/);
    expect(() => strategyOptions("", ["bogus"])).toThrow(new JetwayError("INVALID_CONFIG", "error: Unknown option for merge-recursive: -Xbogus"));
  });
});

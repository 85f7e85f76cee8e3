/** The executor's command-line flags, as `jetway run` takes them. */
import { describe, expect, it } from "vitest";
import { takeExecutorFlags } from "../../src/executor/index.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";

function usageError(argv: string[]): string {
  try {
    takeExecutorFlags(argv);
  } catch (e) {
    if (isJetwayError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  throw new Error("expected a usage error");
}

describe("takeExecutorFlags", () => {
  it("defaults: prefer native, auto delivery; other arguments stay in order", () => {
    expect(takeExecutorFlags(["pipeline.yml", "-v", "a=b"])).toEqual({ flags: { preferNative: true, delivery: "auto" }, rest: ["pipeline.yml", "-v", "a=b"] });
  });

  it("--no-native-resources and --prefer-native-resources: the last one wins", () => {
    expect(takeExecutorFlags(["--no-native-resources", "p.yml"]).flags.preferNative).toBe(false);
    expect(takeExecutorFlags(["--no-native-resources", "--prefer-native-resources"]).flags.preferNative).toBe(true);
  });

  it("--delivery MODE and --delivery=MODE", () => {
    expect(takeExecutorFlags(["--delivery", "mounted", "p.yml"])).toEqual({ flags: { preferNative: true, delivery: "mounted" }, rest: ["p.yml"] });
    expect(takeExecutorFlags(["--delivery=init"]).flags.delivery).toBe("init");
  });

  it("a missing or unknown mode is one usage line listing the modes", () => {
    expect(usageError(["--delivery"])).toBe("USAGE --delivery needs a value (auto, in-process, mounted, sidecar, init)");
    expect(usageError(["--delivery=docker"])).toBe('USAGE --delivery must be one of auto, in-process, mounted, sidecar, init, not "docker"');
  });

  it("--jetway-image and --node-image name the images of the container deliveries", () => {
    expect(takeExecutorFlags(["--jetway-image", "reg.example/jetway/jetway:0.1.0", "p.yml", "--node-image=node:24-slim"])).toEqual({
      flags: { preferNative: true, delivery: "auto", jetwayImage: "reg.example/jetway/jetway:0.1.0", nodeImage: "node:24-slim" },
      rest: ["p.yml"],
    });
  });

  it("an image flag without a value, or with an empty or spaced one, is one usage line", () => {
    expect(usageError(["--jetway-image"])).toBe("USAGE --jetway-image needs a value");
    expect(usageError(["--node-image", "--delivery", "init"])).toBe("USAGE --node-image needs a value");
    expect(usageError(["--node-image="])).toBe('USAGE --node-image needs an image reference, not ""');
    expect(usageError(["--jetway-image=a b"])).toBe('USAGE --jetway-image needs an image reference, not "a b"');
  });
});

import { describe, expect, it } from "vitest";
import { builtinDrivers, createDriver, DriverRegistry } from "./index.ts";
import type { Driver, DriverFactory, DriverOptions } from "./types.ts";

function recordingFactory(name: string, seen: Array<DriverOptions & { target?: string }>): DriverFactory {
  return {
    name,
    async create(options) {
      seen.push(options);
      return { name, namespace: options.namespace } as Driver;
    },
  };
}

describe("DriverRegistry", () => {
  it("hands the factory the namespace, target, params and warn of a spec", async () => {
    const seen: Array<DriverOptions & { target?: string }> = [];
    const registry = new DriverRegistry().register(recordingFactory("fake", seen));
    const warn = (line: string) => void line;
    const driver = await registry.create("fake://there?a=1&b=two", { namespace: "ns-1", warn });
    expect(driver.name).toBe("fake");
    expect(seen).toEqual([{ namespace: "ns-1", target: "there", params: { a: "1", b: "two" }, warn }]);
  });

  it("names the known drivers when a spec names an unknown one", async () => {
    await expect(createDriver("nomad://x", { namespace: "ns" })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: `unknown driver "nomad" (known: ${builtinDrivers.map((d) => d.name).sort().join(", ")})`,
    });
  });

  it.each(["", "UPPER", "-lead", "trail-", "a_b", "x".repeat(64), "a/b"])("refuses namespace %j", async (namespace) => {
    await expect(createDriver("native", { namespace })).rejects.toMatchObject({ code: "INVALID_CONFIG", message: expect.stringMatching(/^namespace /) });
  });

  it("refuses unknown parameters and targets of the built-in drivers", async () => {
    await expect(createDriver("native?colour=red", { namespace: "ns" })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: 'native driver: unknown parameter "colour" (known: root)',
    });
    await expect(createDriver("native://somewhere", { namespace: "ns" })).rejects.toMatchObject({
      message: 'native driver takes no target (got "native://somewhere")',
    });
    await expect(createDriver("native?root=relative/dir", { namespace: "ns" })).rejects.toMatchObject({
      message: "native driver: parameter root: must be an absolute path",
    });
    await expect(createDriver("docker?volumes=nfs", { namespace: "ns" })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: expect.stringMatching(/^docker driver: parameter volumes: /),
    });
    await expect(createDriver("docker?root=/tmp/x", { namespace: "ns" })).rejects.toMatchObject({
      message: "docker driver: parameter root only applies with volumes=host",
    });
    await expect(createDriver("docker?host=ftp://x", { namespace: "ns" })).rejects.toMatchObject({
      message: "docker driver: parameter host: must be unix:///path, tcp://host:port or http://host:port",
    });
  });

  it("treats a second driver of the same name as a programming error", () => {
    const registry = new DriverRegistry().register(recordingFactory("x", []));
    expect(() => registry.register(recordingFactory("x", []))).toThrow('driver "x" is registered twice');
  });

  it("lists the built-in drivers", () => {
    expect(builtinDrivers.map((d) => d.name)).toEqual(expect.arrayContaining(["native", "docker"]));
  });
});

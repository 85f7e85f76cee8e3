/**
 * Where a container-based type's image comes from, through resource_types
 * chains. The check a chain needs is a plain function here, recording what it
 * was asked; the executor runs real ones (fallback.test.ts).
 */
import { describe, expect, it } from "vitest";
import { resolveImage } from "../../src/executor/index.ts";
import type { ResourceTypeConfig } from "../../src/pipeline/types.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";

function resolver(declarations: ResourceTypeConfig[], versions: Record<string, unknown> = {}) {
  const checks: string[] = [];
  return {
    checks,
    resolve: (type: string) =>
      resolveImage(type, {
        declarations,
        nativeImage: (t) => (t === "time" ? `jetway/${t}-resource:latest` : undefined),
        seen: [],
        check: async (checked, source, chain) => {
          checks.push(`${checked} ${JSON.stringify(source)} via ${chain.join(">")}`);
          return versions[checked];
        },
      }),
  };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isJetwayError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  throw new Error("expected a failure");
}

describe("resolveImage", () => {
  it("registry-image and docker-image: repository:tag, latest by default; privileged carried", async () => {
    const { resolve, checks } = resolver([
      { name: "a", type: "registry-image", source: { repository: "example/a" } },
      { name: "b", type: "docker-image", source: { repository: "127.0.0.1:5000/b", tag: "1.2" }, privileged: true },
    ]);
    expect(await resolve("a")).toEqual({ ref: "example/a:latest", privileged: false, origin: "resource_types a (registry-image)" });
    expect(await resolve("b")).toEqual({ ref: "127.0.0.1:5000/b:1.2", privileged: true, origin: "resource_types b (docker-image)" });
    expect(checks).toEqual([]);
  });

  it("a native type nobody redefines: jetway's own image", async () => {
    expect((await resolver([]).resolve("time")).ref).toBe("jetway/time-resource:latest");
  });

  it("a type from another custom type: that type checks the source; a digest wins over a tag", async () => {
    const declarations: ResourceTypeConfig[] = [
      { name: "fetcher", type: "registry-image", source: { repository: "example/fetcher" } },
      { name: "by-digest", type: "fetcher", source: { repository: "example/thing" } },
      { name: "by-tag", type: "fetcher", source: { repository: "example/other" } },
    ];
    const byDigest = resolver(declarations, { fetcher: [{ digest: "sha256:old" }, { digest: "sha256:new", tag: "x" }] });
    expect((await byDigest.resolve("by-digest")).ref).toBe("example/thing@sha256:new");
    expect(byDigest.checks).toEqual(['fetcher {"repository":"example/thing"} via by-digest']);
    const byTag = resolver(declarations, { fetcher: [{ tag: "2.0" }] });
    expect((await byTag.resolve("by-tag")).ref).toBe("example/other:2.0");
  });

  it("clear errors: no repository, no version, a version naming no image, an unknown type, a cycle", async () => {
    const declarations: ResourceTypeConfig[] = [
      { name: "norepo", type: "registry-image", source: { tag: "1" } },
      { name: "fetcher", type: "registry-image", source: { repository: "example/fetcher" } },
      { name: "empty", type: "fetcher", source: { repository: "example/e" } },
      { name: "odd", type: "fetcher", source: { repository: "example/o" } },
      { name: "a", type: "b", source: { repository: "x" } },
      { name: "b", type: "a", source: { repository: "y" } },
    ];
    expect(await failure(resolver(declarations).resolve("norepo"))).toBe("INVALID_CONFIG resource type norepo: source.repository is missing");
    expect(await failure(resolver(declarations, { fetcher: [] }).resolve("empty"))).toBe(
      "OPERATION_FAILED resource type empty: the check of its type fetcher found no version of its image",
    );
    expect(await failure(resolver(declarations, { fetcher: [{ ref: "abc" }] }).resolve("odd"))).toBe(
      "OPERATION_FAILED resource type odd: the newest version from its type fetcher has neither digest nor tag (keys: ref), so it names no image",
    );
    expect(await failure(resolver(declarations).resolve("nothing"))).toBe('INVALID_CONFIG type "nothing" is neither native nor declared in resource_types');
    // a's image needs b's check, whose image needs a's: the executor's recursion comes back to a with the chain so far
    const again = resolveImage("a", { declarations, nativeImage: () => undefined, seen: ["a", "b"], check: async () => [] });
    expect(await failure(again)).toBe("INVALID_CONFIG resource_types form a cycle: a -> b -> a");
  });
});

import { describe, expect, it } from "vitest";
import * as z from "zod";
import { JetwayError } from "./protocol/errors.ts";
import type { ResourceType } from "./protocol/types.ts";
import { ResourceTypeRegistry } from "./registry.ts";
import { builtinTypes, createDefaultRegistry } from "../resource-types/index.ts";

/** The registry is type-agnostic, so a type that only has a name and schemas exercises it fully. */
function namedType(name: string): ResourceType {
  const unused = () => {
    throw new Error("not called by the registry");
  };
  return {
    name,
    description: `${name} type`,
    schemas: { source: z.object({ uri: z.string() }), version: z.object({ ref: z.string() }), getParams: z.object({}), putParams: z.object({}) },
    decodeCheck: unused,
    decodeIn: unused,
    decodeOut: unused,
    check: unused,
    in: unused,
    out: unused,
    encodeResponse: unused,
  };
}

describe("ResourceTypeRegistry", () => {
  it("registers, lists sorted, and looks up types", () => {
    const r = new ResourceTypeRegistry().register(namedType("zeta")).register(namedType("alpha"));
    expect(r.list().map((t) => t.name)).toEqual(["alpha", "zeta"]);
    expect(r.get("zeta").name).toBe("zeta");
    expect(r.isNative("alpha")).toBe(true);
    expect(r.isNative("git")).toBe(false);
  });

  it("refuses to register a name twice", () => {
    const r = new ResourceTypeRegistry().register(namedType("a"));
    expect(() => r.register(namedType("a"))).toThrow(new JetwayError("DUPLICATE_TYPE", 'resource type "a" is already registered'));
  });

  it("names the known types when a lookup fails", () => {
    const r = new ResourceTypeRegistry().register(namedType("b")).register(namedType("a"));
    expect(() => r.get("git")).toThrow('unknown resource type "git" (known: a, b)');
  });

  it("derives JSON Schema from the zod schemas", () => {
    const schema = new ResourceTypeRegistry().register(namedType("a")).jsonSchema("a");
    expect(schema.source).toMatchObject({ type: "object", properties: { uri: { type: "string" } }, required: ["uri"] });
    expect(schema.version).toMatchObject({ properties: { ref: { type: "string" } } });
  });

  it("holds every built-in type, each with a schema that converts", () => {
    const r = createDefaultRegistry();
    expect(r.list().map((t) => t.name)).toEqual(builtinTypes.map((t) => t.name).sort());
    for (const t of builtinTypes) expect(r.jsonSchema(t.name).source).toHaveProperty("type");
  });
});

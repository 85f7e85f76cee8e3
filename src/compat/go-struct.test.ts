import { describe, expect, it } from "vitest";
import { decodeGoValue, goAny, goString, goTypeName, matchField, type GoStruct } from "./go-struct.ts";

const item: GoStruct = { kind: "struct", pkg: "pkg", name: "Item", fields: { name: goString, extra: goAny } };
const holder: GoStruct = {
  kind: "struct",
  pkg: "pkg",
  name: "Holder",
  fields: { items: { kind: "slice", elem: item }, ptr: { kind: "pointer", elem: item } },
};

describe("matchField", () => {
  it("prefers an exact match, then folds case the way encoding/json does", () => {
    expect(matchField("name", ["name"])).toBe("name");
    expect(matchField("NaMe", ["name"])).toBe("name");
    expect(matchField("\u212aey", ["key"])).toBe("key"); // Kelvin sign folds to k
    expect(matchField("\u017fize", ["size"])).toBe("size"); // long s folds to s
    expect(matchField("nam", ["name"])).toBeUndefined();
  });
});

describe("goTypeName", () => {
  it("prints types as reflect does", () => {
    expect(goTypeName({ kind: "map", elem: goAny })).toBe("map[string]interface {}");
    expect(goTypeName({ kind: "slice", elem: item })).toBe("[]pkg.Item");
    expect(goTypeName({ kind: "pointer", elem: item })).toBe("*pkg.Item");
  });
});

describe("decodeGoValue", () => {
  it("fills missing scalar fields with zero values and leaves nil pointers undefined", () => {
    expect(decodeGoValue({}, holder)).toEqual({ value: {} });
    expect(decodeGoValue({ items: [{}], ptr: {} }, holder).value).toEqual({ items: [{ name: "" }], ptr: { name: "" } });
  });

  it("decodes a repeated slice onto the earlier elements, as Go reuses the backing array", () => {
    expect(decodeGoValue({ items: [{ name: "a", extra: 1 }], ITEMS: [{ name: "b" }] }, holder).value).toEqual({
      items: [{ name: "b", extra: 1 }],
    });
  });

  it("keeps going after a problem but reports the first", () => {
    const { value, error } = decodeGoValue({ items: [{ name: 1 }, { bogus: true, name: "ok" }] }, holder);
    expect(error).toBe("json: cannot unmarshal number into Go struct field Item.items.name of type string");
    expect(value).toEqual({ items: [{ name: "" }, { name: "ok" }] });
  });

  it("quotes unknown keys as Go's %q does", () => {
    expect(decodeGoValue({ "a\u0001": 1 }, item).error).toBe('json: unknown field "a\\x01"');
  });
});

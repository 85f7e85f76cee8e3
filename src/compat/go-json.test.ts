import { describe, expect, it } from "vitest";
import { decodeFirstGoJson, foldGoKeys, goEncode, goMarshal, GoJsonSyntaxError } from "./go-json.ts";

const syntaxError = (text: string) => {
  try {
    decodeFirstGoJson(text);
  } catch (e) {
    expect(e).toBeInstanceOf(GoJsonSyntaxError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
};

describe("decodeFirstGoJson", () => {
  it("reads the first value and ignores what follows, as json.Decoder does", () => {
    expect(decodeFirstGoJson('{"a":1} trailing junk')).toEqual({ a: 1 });
    expect(decodeFirstGoJson('  [1, "x", true, null, {"b": -1.5e3}]')).toEqual([1, "x", true, null, { b: -1500 }]);
  });

  it("keeps the last of duplicate keys and treats __proto__ as data", () => {
    const v = decodeFirstGoJson('{"a":1,"a":2,"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(v.a).toBe(2);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["a", "__proto__"]);
  });

  it("words syntax errors as Go does", () => {
    expect(syntaxError("")).toBe("EOF");
    expect(syntaxError("   \n")).toBe("EOF");
    expect(syntaxError('{"a":')).toBe("unexpected EOF");
    expect(syntaxError("xyz")).toBe("invalid character 'x' looking for beginning of value");
    expect(syntaxError('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(syntaxError('{"a":1 "b":2}')).toBe("invalid character '\"' after object key:value pair");
    expect(syntaxError("{a:1}")).toBe("invalid character 'a' looking for beginning of object key string");
    expect(syntaxError("[1 2]")).toBe("invalid character '2' after array element");
    expect(syntaxError("tru ")).toBe("invalid character ' ' in literal true (expecting 'e')");
    expect(syntaxError('"a\nb"')).toBe("invalid character '\\n' in string literal");
    expect(syntaxError('"\\q"')).toBe("invalid character 'q' in string escape code");
    expect(syntaxError("-x")).toBe("invalid character 'x' in numeric literal");
    expect(syntaxError("1.x")).toBe("invalid character 'x' after decimal point in numeric literal");
    expect(syntaxError("1ex")).toBe("invalid character 'x' in exponent of numeric literal");
  });
});

describe("foldGoKeys", () => {
  it("matches exact names first, then case-insensitively, later keys winning", () => {
    const { value, unknown } = foldGoKeys({ Interval: "1m", interval: "2m", LOCATION: "UTC", other: 1 }, ["interval", "location"]);
    expect(value).toEqual({ interval: "2m", location: "UTC" });
    expect(unknown).toEqual(["other"]);
  });
});

describe("goMarshal", () => {
  it("escapes HTML characters and line separators as Go does", () => {
    expect(goMarshal("<a & b>\u2028\n\t\"\\\u0001")).toBe('"\\u003ca \\u0026 b\\u003e\\u2028\\n\\t\\"\\\\\\u0001"');
  });

  it("keeps struct order, or sorts keys like a Go map", () => {
    expect(goMarshal({ b: 1, a: { d: true, c: null } })).toBe('{"b":1,"a":{"d":true,"c":null}}');
    expect(goMarshal({ b: 1, a: { d: true, c: null } }, true)).toBe('{"a":{"c":null,"d":true},"b":1}');
  });

  it("omits undefined (omitempty) fields and prints float64s like Go", () => {
    expect(goMarshal({ version: "1", privileged: undefined })).toBe('{"version":"1"}');
    expect(goMarshal([1e21, 1e-7, 0.1, 100, -0])).toBe("[1e+21,1e-7,0.1,100,-0]");
  });

  it("ends an encoded value with a newline, as json.Encoder does", () => {
    expect(goEncode(null)).toBe("null\n");
  });
});

import { describe, expect, it } from "vitest";
import { validateParams, validateSource } from "./validate.ts";

describe("s3 validate (decoding alone)", () => {
  it("accepts a usable source", () => {
    expect(validateSource({ bucket: "b", regexp: "dir/app-(.*).tgz", endpoint: "s3.example.com" })).toEqual([]);
  });

  it("reports what a check would refuse", () => {
    expect(validateSource({ bucket: "b" })).toEqual([{ path: [], message: "please specify either regexp or versioned_file" }]);
    expect(validateSource({ bucket: "b", regexp: "a(c" })).toEqual([{ path: ["regexp"], message: "error parsing regexp: missing closing ): `a(c`" }]);
    expect(validateSource({ bucket: 3, regexp: "x" })[0]?.message).toBe(
      "error reading request from stdin: json: cannot unmarshal number into Go struct field Source.source.bucket of type string",
    );
    expect(validateSource({ bucket: "b", regexp: "x-(.*)", endpoint: "127.0.0.1:7480" })[0]?.message).toBe(
      // upstream's Fatal("error creating s3 client", err) prints "error " before it: the doubled word is theirs
      'error error creating s3 client: error parsing given endpoint: parse "127.0.0.1:7480": first path segment in URL cannot contain colon',
    );
  });

  it("reports params a get or put would refuse", () => {
    expect(validateParams("in", { skip_download: "maybe" }, { bucket: "b", regexp: "x" })).toEqual([
      { path: ["skip_download"], message: "skip_download defined but invalid value: maybe" },
    ]);
    expect(validateParams("in", { skip_download: "True" }, { bucket: "b", regexp: "x" })).toEqual([]);
    expect(validateParams("out", { file: "a", from: "b" }, { bucket: "b", regexp: "x" })).toEqual([{ path: [], message: "contains both file and from" }]);
  });
});

import { describe, expect, it } from "vitest";
import { logrusLine } from "../../src/compat/logrus.ts";
import { JetwayError } from "../../src/protocol/errors.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";

/** The JetwayError a decoder throws, checked to print `invalid payload: <detail>` through logrus. */
function failure(decode: () => unknown, detail: string): JetwayError {
  let caught: unknown;
  try {
    decode();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(JetwayError);
  const err = caught as JetwayError;
  expect(err.message).toBe(`invalid payload: ${detail}`);
  expect(err.stderr).toBe(logrusLine("error", `invalid payload: ${detail}`));
  expect(err.exitCode).toBe(1);
  return err;
}

describe("mock request decoding", () => {
  it("reads a check request, leaving absent options undefined", () => {
    expect(decodeCheck('{"source":{"force_version":"f","no_initial_version":false},"version":null}')).toEqual({
      source: { force_version: "f" },
      version: null,
    });
    expect(decodeCheck('{"source":{},"version":{"version":"1","privileged":""}}').version).toEqual({ version: "1" });
    expect(decodeCheck('{"source":{},"version":{}}').version).toEqual({ version: "" });
  });

  it("reads only the first JSON value, as json.Decoder does", () => {
    expect(decodeCheck('{"source":{"initial_version":"a"}} {"garbage').source).toEqual({ initial_version: "a" });
  });

  it("matches keys case-insensitively, later keys overwriting earlier ones", () => {
    expect(decodeCheck('{"SOURCE":{"Force_Version":"a","force_version":"b"}}').source).toEqual({ force_version: "b" });
    expect(decodeCheck('{"\u017fource":{"log":"x"}}').source).toEqual({ log: "x" });
  });

  it("treats a top-level null as an empty request", () => {
    expect(decodeCheck("null")).toEqual({ source: {}, version: null });
  });

  it("ignores null for strings and bools, and empties maps, slices and pointers with it", () => {
    const r = decodeIn(
      '{"source":{"log":"a","LOG":null,"metadata":[{"name":"n","value":"v"}],"METADATA":null,"create_files":{"a":null}},"version":null,"params":null}',
    );
    expect(r.source).toEqual({ log: "a", create_files: { a: null } });
    expect(r.version).toEqual({ version: "" });
    expect(r.params).toEqual({});
  });

  it("merges a repeated map key into the earlier map", () => {
    expect(decodeIn('{"source":{"create_files":{"a":"1"},"Create_Files":{"b":{"x":2}}}}').source.create_files).toEqual({
      a: "1",
      b: { x: 2 },
    });
  });

  it("reads put params and the version upstream's out request also carries", () => {
    expect(decodeOut('{"source":{},"version":{"version":"v"},"params":{"file":"f","print_env":true}}')).toEqual({
      source: {},
      version: { version: "v" },
      params: { file: "f", print_env: true },
    });
  });

  it("fails on empty or malformed stdin with Go's syntax errors", () => {
    expect(failure(() => decodeCheck(""), "EOF").code).toBe("MALFORMED_REQUEST");
    failure(() => decodeCheck("   \n"), "EOF");
    failure(() => decodeCheck("x"), "invalid character 'x' looking for beginning of value");
    failure(() => decodeIn('{"source":'), "unexpected EOF");
  });

  it("rejects an unknown key at any level", () => {
    expect(failure(() => decodeCheck('{"source":{},"params":{}}'), 'json: unknown field "params"').code).toBe("INVALID_REQUEST");
    failure(() => decodeCheck('{"source":{"foo":1}}'), 'json: unknown field "foo"');
    failure(() => decodeCheck('{"version":{"version":"1","ref":"x"}}'), 'json: unknown field "ref"');
    failure(() => decodeIn('{"params":{"missing":""}}'), 'json: unknown field "missing"');
    failure(() => decodeOut('{"params":{"version":"1","extra":true}}'), 'json: unknown field "extra"');
    failure(() => decodeOut('{"source":{"metadata":[{"name":"a","value":"b","x":1}]}}'), 'json: unknown field "x"');
  });

  it("words type mismatches as Go does, naming the innermost struct and the JSON path", () => {
    failure(
      () => decodeCheck('{"source":{"force_version":1}}'),
      "json: cannot unmarshal number into Go struct field Source.source.force_version of type string",
    );
    failure(
      () => decodeCheck('{"source":{"no_initial_version":"yes"}}'),
      "json: cannot unmarshal string into Go struct field Source.source.no_initial_version of type bool",
    );
    failure(
      () => decodeCheck('{"version":{"version":true}}'),
      "json: cannot unmarshal bool into Go struct field Version.version.version of type string",
    );
    failure(() => decodeCheck('{"version":"1"}'), "json: cannot unmarshal string into Go struct field CheckRequest.version of type resource.Version");
    failure(() => decodeIn('{"source":[]}'), "json: cannot unmarshal array into Go struct field InRequest.source of type resource.Source");
    failure(
      () => decodeIn('{"params":{"create_files_via_params":"a"}}'),
      "json: cannot unmarshal string into Go struct field GetParams.params.create_files_via_params of type map[string]interface {}",
    );
    failure(
      () => decodeOut('{"params":{"print_env":"true"}}'),
      "json: cannot unmarshal string into Go struct field PutParams.params.print_env of type bool",
    );
    failure(
      () => decodeOut('{"source":{"metadata":{}}}'),
      "json: cannot unmarshal object into Go struct field Source.source.metadata of type []resource.MetadataField",
    );
    failure(
      () => decodeOut('{"source":{"metadata":["a"]}}'),
      "json: cannot unmarshal string into Go struct field Source.source.metadata of type resource.MetadataField",
    );
    failure(
      () => decodeOut('{"source":{"metadata":[{"name":1}]}}'),
      "json: cannot unmarshal number into Go struct field MetadataField.source.metadata.name of type string",
    );
    failure(() => decodeCheck("[1]"), "json: cannot unmarshal array into Go value of type main.CheckRequest");
    failure(() => decodeOut('"x"'), "json: cannot unmarshal string into Go value of type main.OutRequest");
  });

  it("reports the first problem in document order", () => {
    failure(() => decodeCheck('{"source":{"foo":1,"log":2}}'), 'json: unknown field "foo"');
    failure(
      () => decodeCheck('{"source":{"log":2,"foo":1}}'),
      "json: cannot unmarshal number into Go struct field Source.source.log of type string",
    );
  });

  it("refuses a number too large for float64 inside create_files", () => {
    failure(
      () => decodeIn('{"source":{"create_files":{"a":{"b":1e400}}}}'),
      "json: cannot unmarshal number 1e400 into Go struct field Source.source.create_files of type float64",
    );
  });
});

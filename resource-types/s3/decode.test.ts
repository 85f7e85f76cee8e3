import { describe, expect, it } from "vitest";
import { JetwayError } from "../../src/protocol/errors.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";
import { sourceProblem } from "./source.ts";

const red = (line: string) => `\x1b[31m${line}\n\x1b[0m`;
function failure(run: () => unknown): JetwayError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(JetwayError);
    return e as JetwayError;
  }
  throw new Error("decoded");
}

describe("decoding requests as Go's json.Decoder", () => {
  it("matches keys case-insensitively and ignores unknown ones", () => {
    const r = decodeCheck(JSON.stringify({ source: { Bucket: "b", REGEXP: "x-(.*)", whatever: 1 }, version: { Path: "x-1" } }));
    expect(r.source.bucket).toBe("b");
    expect(r.source.regexp).toBe("x-(.*)");
    expect(r.version).toEqual({ path: "x-1" });
  });

  it("gives check no version for a missing, null or empty one", () => {
    expect(decodeCheck('{"source":{}}').version).toBeNull();
    expect(decodeCheck('{"source":{},"version":null}').version).toBeNull();
    expect(decodeCheck('{"source":{},"version":{"path":""}}').version).toBeNull();
  });

  it("reads only the first JSON value", () => {
    expect(decodeCheck('{"source":{"bucket":"b"}} trailing').source.bucket).toBe("b");
  });

  it("words a wrong type as Go does, in red, reporting the first one", () => {
    const e = failure(() => decodeCheck('{"source":{"bucket":1,"private":"yes"}}'));
    expect(e.stderr).toBe(red("error reading request from stdin: json: cannot unmarshal number into Go struct field Source.source.bucket of type string"));
    expect(e.exitCode).toBe(1);
    expect(failure(() => decodeIn('{"source":{},"params":{"skip_download":true}}')).message).toBe(
      "error reading request from stdin: json: cannot unmarshal bool into Go struct field Params.params.skip_download of type string",
    );
    expect(failure(() => decodeOut('{"source":[]}')).message).toBe(
      "error reading request from stdin: json: cannot unmarshal array into Go struct field Request.source of type s3resource.Source",
    );
    expect(failure(() => decodeCheck('"x"')).message).toBe("error reading request from stdin: json: cannot unmarshal string into Go value of type check.Request");
  });

  it("words broken JSON as Go does", () => {
    expect(failure(() => decodeCheck("")).message).toBe("error reading request from stdin: EOF");
    expect(failure(() => decodeCheck('{"source":')).message).toBe("error reading request from stdin: unexpected EOF");
  });

  it("keeps skip_download a string for in", () => {
    expect(decodeIn('{"source":{},"version":{"path":"p"},"params":{"skip_download":"true","unpack":true}}').params).toEqual({
      unpack: true,
      skipDownload: "true",
      downloadTags: false,
    });
  });
});

describe("Source.IsValid", () => {
  const base = decodeCheck('{"source":{"bucket":"b","regexp":"x-(.*)"}}').source;
  it("accepts exactly one of regexp and versioned_file", () => {
    expect(sourceProblem(base)).toBeNull();
    expect(sourceProblem({ ...base, versionedFile: "f" })).toBe("please specify either regexp or versioned_file");
    expect(sourceProblem({ ...base, regexp: "" })).toBe("please specify either regexp or versioned_file");
  });

  it("refuses upstream's invalid combinations in upstream's words", () => {
    expect(sourceProblem({ ...base, initialVersion: "v" })).toBe("please use initial_path when regexp is set");
    expect(sourceProblem({ ...base, regexp: "", versionedFile: "f", initialPath: "p" })).toBe("please use initial_version when versioned_file is set");
    expect(sourceProblem({ ...base, skipSslVerification: true, caBundle: "pem" })).toBe("please do not use ca_bundle when skip_ssl_verification is set");
    expect(sourceProblem({ ...base, initialContentText: "a", initialContentBinary: "YQ==" })).toBe(
      "please use intial_content_text or initial_content_binary but not both",
    );
    expect(sourceProblem({ ...base, initialContentText: "a" })).toBe("please specify initial_version or initial_path if initial content is set");
    expect(sourceProblem({ ...base, checksumAlgorithm: "MD5" })).toBe("checksum_algorithm must be one of: CRC32, CRC32C, CRC64NVME, SHA1, SHA256");
    expect(sourceProblem({ ...base, checksumAlgorithm: "SHA256", skipS3Checksums: true })).toBe(
      "checksum_algorithm cannot be used when skip_s3_checksums is true",
    );
  });
});

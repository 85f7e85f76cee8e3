import { describe, expect, it } from "vitest";
import { formatGoDuration } from "../../src/compat/go-duration.ts";
import { marshalTime } from "../../src/compat/go-time.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";

function failure(run: () => unknown): { code: string; stderr: string } {
  try {
    run();
  } catch (e) {
    if (isJetwayError(e)) return { code: e.code, stderr: e.stderr };
    throw e;
  }
  throw new Error("expected a failure");
}
const checkError = (stdin: string) => failure(() => decodeCheck(stdin)).stderr;

describe("decoding like encoding/json", () => {
  it("reads every source field", () => {
    const { source, version } = decodeCheck(
      JSON.stringify({
        source: {
          initial_version: true,
          interval: "1h30m",
          start: "8:00 -0500",
          stop: "9PM",
          days: ["mon", "FRIDAY"],
          location: "America/New_York",
          start_after: "2024-01-02T03:04",
        },
        version: { time: "2024-05-01T08:00:00.123456789-04:00" },
      }),
    );
    expect(source.initialVersion).toBe(true);
    expect(formatGoDuration(source.interval!)).toBe("1h30m0s");
    expect(source.start).toEqual({ hour: 13, minute: 0 });
    expect(source.stop).toEqual({ hour: 21, minute: 0 });
    expect(source.days).toEqual([1, 5]);
    expect(source.location?.name).toBe("America/New_York");
    expect(marshalTime(source.startAfter!)).toBe("2024-01-02T03:04:00Z");
    expect(version).toEqual({ time: "2024-05-01T08:00:00.123456789-04:00" });
  });

  it("matches keys without regard to case and ignores unknown ones", () => {
    const { source, version } = decodeCheck('{"SOURCE":{"Interval":"1m","bogus":1},"Version":{"TIME":"2024-01-01T00:00:00Z","ref":"x"},"params":{}}');
    expect(formatGoDuration(source.interval!)).toBe("1m0s");
    expect(version).toEqual({ time: "2024-01-01T00:00:00Z" });
  });

  it("reads only the first JSON value", () => {
    expect(formatGoDuration(decodeCheck('{"source":{"interval":"1m"}} {"x": garbage').source.interval!)).toBe("1m0s");
  });

  it("merges a repeated struct key and lets later fields win", () => {
    const { source } = decodeCheck('{"source":{"interval":"1m"},"Source":{"start":"1:00","stop":"2:00","interval":"2m"}}');
    expect(formatGoDuration(source.interval!)).toBe("2m0s");
    expect(source.start).toEqual({ hour: 1, minute: 0 });
  });

  it("treats null, {} and the zero time as no version", () => {
    for (const stdin of ["null", "{}", '{"version":null}', '{"version":{}}', '{"version":{"time":null}}', '{"version":{"time":"0001-01-01T00:00:00Z"}}']) {
      expect(decodeCheck(stdin).version, stdin).toBeNull();
    }
    expect(decodeIn("{}").version).toEqual({ time: "0001-01-01T00:00:00Z" });
  });

  it("reads nulls as unset fields", () => {
    const { source } = decodeCheck('{"source":{"initial_version":null,"interval":null,"days":null,"location":null,"start":null,"stop":null,"start_after":null}}');
    expect(source).toEqual({ initialVersion: false, interval: null, start: null, stop: null, days: null, location: null, startAfter: null });
    expect(decodeCheck('{"source":{"days":[]}}').source.days).toEqual([]);
  });

  it("out has no version field", () => {
    expect(decodeOut('{"source":{"location":"Asia/Tokyo"},"version":5,"params":{"a":1}}').source.location?.name).toBe("Asia/Tokyo");
  });
});

describe("decode errors, worded as Go words them", () => {
  it("reports JSON syntax errors as malformed", () => {
    expect(failure(() => decodeCheck(""))).toEqual({ code: "MALFORMED_REQUEST", stderr: "parse error: EOF" });
    expect(failure(() => decodeCheck("  \n"))).toEqual({ code: "MALFORMED_REQUEST", stderr: "parse error: EOF" });
    expect(checkError("{x")).toBe("parse error: invalid character 'x' looking for beginning of object key string");
    expect(checkError("x")).toBe("parse error: invalid character 'x' looking for beginning of value");
    expect(checkError('{"source":')).toBe("parse error: unexpected EOF");
  });

  it("reports a field's own parser errors", () => {
    expect(failure(() => decodeCheck('{"source":{"interval":"abc"}}'))).toEqual({
      code: "INVALID_REQUEST",
      stderr: 'parse error: time: invalid duration "abc"',
    });
    expect(checkError('{"source":{"interval":""}}')).toBe('parse error: time: invalid duration ""');
    expect(checkError('{"source":{"days":["funday"]}}')).toBe("parse error: unknown weekday: funday");
    expect(checkError('{"source":{"days":[null]}}')).toBe("parse error: unknown weekday: ");
    expect(checkError('{"source":{"location":"Foo/Bar"}}')).toBe("parse error: unknown time zone Foo/Bar");
    expect(checkError('{"source":{"location":"../etc"}}')).toBe("parse error: time: invalid location name");
    expect(checkError('{"source":{"start":"25:00"}}')).toBe(
      "parse error: invalid time format: 25:00, must be one of: 3:04 PM -0700, 3PM -0700, 3 PM -0700, 15:04 -0700, 1504 -0700, 3:04 PM, 3PM, 3 PM, 15:04, 1504",
    );
    expect(checkError('{"source":{"start_after":"2024-02-30"}}')).toBe(
      "parse error: invalid date format: 2024-02-30, must be one of: 2006-01-02T15:04:05, 2006-01-02T15:04, 2006-01-02T15, 2006-01-02, 2006-01-02 15:04:05",
    );
  });

  it("names the struct field for values of the wrong JSON type", () => {
    expect(checkError('{"source":{"initial_version":1}}')).toBe(
      "parse error: json: cannot unmarshal number into Go struct field Source.source.initial_version of type bool",
    );
    for (const field of ["interval", "start", "stop", "location", "start_after"]) {
      expect(checkError(`{"source":{"${field}":5}}`)).toBe(
        `parse error: json: cannot unmarshal number into Go struct field Source.source.${field} of type string`,
      );
    }
    expect(checkError('{"source":{"days":"mon"}}')).toBe(
      "parse error: json: cannot unmarshal string into Go struct field Source.source.days of type []models.Weekday",
    );
    expect(checkError('{"source":{"days":[true]}}')).toBe(
      "parse error: json: cannot unmarshal bool into Go struct field Source.source.days of type string",
    );
    expect(checkError('{"source":[]}')).toBe(
      "parse error: json: cannot unmarshal array into Go struct field CheckRequest.source of type models.Source",
    );
    expect(failure(() => decodeIn('{"version":"x"}')).stderr).toBe(
      "parse error: json: cannot unmarshal string into Go struct field InRequest.version of type models.Version",
    );
    expect(checkError("5")).toBe("parse error: json: cannot unmarshal number into Go value of type models.CheckRequest");
    expect(failure(() => decodeOut("[]")).stderr).toBe("parse error: json: cannot unmarshal array into Go value of type models.OutRequest");
  });

  it("lets a parser error win over an earlier type error, and the first type error over later ones", () => {
    expect(checkError('{"source":{"initial_version":1,"interval":"abc"}}')).toBe('parse error: time: invalid duration "abc"');
    expect(checkError('{"source":{"initial_version":1,"days":"x"}}')).toBe(
      "parse error: json: cannot unmarshal number into Go struct field Source.source.initial_version of type bool",
    );
  });

  it("reports version times Go cannot read", () => {
    expect(checkError('{"version":{"time":"x"}}')).toBe(
      'parse error: parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"',
    );
    expect(checkError('{"version":{"time":5}}')).toBe("parse error: Time.UnmarshalJSON: input is not a JSON string");
    expect(checkError('{"version":{"time":"2024-01-01T00:00:00"}}')).toBe(
      'parse error: parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"',
    );
  });
});

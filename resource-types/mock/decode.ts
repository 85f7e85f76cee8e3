/**
 * Reads a mock request as the upstream binaries do: json.Decoder with
 * DisallowUnknownFields into their request structs, failing with a logrus
 * error line `invalid payload: <Go's error>` and exit 1.
 */
import type { z } from "zod";
import { decodeFirstGoJson, GoJsonSyntaxError } from "../../src/compat/go-json.ts";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { CheckRequest, InRequest, OutRequest } from "../../src/protocol/types.ts";
import { decodeGoValue, goAny, goBool, goString, type GoStruct, type GoType } from "../../src/compat/go-struct.ts";
import { mockError } from "./log.ts";
import {
  getParamsSchema,
  putParamsSchema,
  sourceSchema,
  versionSchema,
  type MockGetParams,
  type MockPutParams,
  type MockSource,
  type MockVersion,
} from "./schema.ts";

const files: GoType = { kind: "map", elem: goAny };

const metadataField: GoStruct = {
  kind: "struct",
  pkg: "resource",
  name: "MetadataField",
  fields: { name: goString, value: goString },
};

const source: GoStruct = {
  kind: "struct",
  pkg: "resource",
  name: "Source",
  fields: {
    mirror_self: goBool,
    initial_version: goString,
    no_initial_version: goBool,
    force_version: goString,
    create_files: files,
    check_delay: goString,
    check_failure: goString,
    metadata: { kind: "slice", elem: metadataField },
    log: goString,
  },
};

const version: GoStruct = {
  kind: "struct",
  pkg: "resource",
  name: "Version",
  fields: { version: goString, privileged: goString },
};

const getParams: GoStruct = {
  kind: "struct",
  pkg: "resource",
  name: "GetParams",
  fields: { mirror_self_via_params: goBool, create_files_via_params: files },
};

const putParams: GoStruct = {
  kind: "struct",
  pkg: "resource",
  name: "PutParams",
  fields: { version: goString, print_env: goBool, file: goString },
};

const request = (name: string, fields: Record<string, GoType>): GoStruct => ({ kind: "struct", pkg: "main", name, fields });
const checkRequest = request("CheckRequest", { source, version: { kind: "pointer", elem: version } });
const inRequest = request("InRequest", { source, version, params: getParams });
const outRequest = request("OutRequest", { source, version, params: putParams });

/** Upstream's out request also carries a version, which it ignores. */
export interface MockOutRequest extends OutRequest<MockSource, MockPutParams> {
  version: MockVersion;
}

export function decodeCheck(stdin: string): CheckRequest<MockSource, MockVersion> {
  const r = decodeRequest(stdin, checkRequest);
  return { source: clean(sourceSchema, r.source), version: r.version === undefined ? null : cleanVersion(r.version) };
}

export function decodeIn(stdin: string): InRequest<MockSource, MockVersion, MockGetParams> {
  const r = decodeRequest(stdin, inRequest);
  return { source: clean(sourceSchema, r.source), version: cleanVersion(r.version), params: clean(getParamsSchema, r.params) };
}

export function decodeOut(stdin: string): MockOutRequest {
  const r = decodeRequest(stdin, outRequest);
  return { source: clean(sourceSchema, r.source), version: cleanVersion(r.version), params: clean(putParamsSchema, r.params) };
}

function decodeRequest(stdin: string, type: GoStruct): Record<string, unknown> {
  let json;
  try {
    json = decodeFirstGoJson(stdin);
  } catch (e) {
    if (e instanceof GoJsonSyntaxError) throw mockError("MALFORMED_REQUEST", `invalid payload: ${e.message}`);
    throw e;
  }
  const { value, error } = decodeGoValue(json, type, stdin);
  if (error !== undefined) throw mockError("INVALID_REQUEST", `invalid payload: ${error}`);
  // a top-level null leaves the whole request at its zero value
  return (value ?? decodeGoValue({}, type).value) as Record<string, unknown>;
}

/** Drops Go's zero values, so an absent option reads as undefined, then checks the schema. */
function clean<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const present = Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== "" && v !== false),
  );
  return validate(schema, present);
}

/** A version keeps `version` even when empty; `privileged` is omitempty upstream. */
function cleanVersion(value: unknown): MockVersion {
  const v = value as { version: string; privileged: string };
  return validate(versionSchema, v.privileged === "" ? { version: v.version } : { version: v.version, privileged: v.privileged });
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  // unreachable unless the Go decoder and the schema disagree: a bug, said plainly
  if (!result.success) throw mockError("INVALID_REQUEST", `invalid payload: ${result.error.issues[0]?.message ?? "does not match the schema"}`);
  return result.data;
}

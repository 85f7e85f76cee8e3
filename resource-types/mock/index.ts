/**
 * `mock`: concourse/mock-resource, natively. Versions and files come from the
 * configuration alone, which makes it the resource Concourse's own tests and
 * examples lean on. Output is byte-compatible with the upstream binaries,
 * logrus-coloured stderr included; only mirror_self is left to upstream.
 */
import { goEncode } from "../../src/compat/go-json.ts";
import type { CheckResponse, InOutResponse, ResourceType } from "../../src/protocol/types.ts";
import { check } from "./check.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";
import { get } from "./in.ts";
import { put } from "./out.ts";
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
import { validateSource, validateParams } from "./validate.ts";

/** Go's Version struct: `version` always, `privileged` only when set (omitempty). */
function versionStruct(v: MockVersion): MockVersion {
  return v.privileged ? { version: v.version, privileged: v.privileged } : { version: v.version };
}

function encodeResponse(response: CheckResponse<MockVersion> | InOutResponse<MockVersion>): string {
  if (response === null || Array.isArray(response)) return goEncode(response?.map(versionStruct) ?? null);
  const metadata = response.metadata?.map((m) => ({ name: m.name, value: m.value })) ?? null;
  return goEncode({ version: versionStruct(response.version), metadata });
}

export const mockType: ResourceType<MockSource, MockVersion, MockGetParams, MockPutParams> = {
  name: "mock",
  description: "versions and files straight from the configuration, for testing pipelines (concourse/mock-resource)",
  schemas: { source: sourceSchema, version: versionSchema, getParams: getParamsSchema, putParams: putParamsSchema },
  decodeCheck,
  decodeIn,
  decodeOut,
  check,
  in: get,
  out: put,
  encodeResponse,
  validateSource, validateParams,
};

export default mockType;

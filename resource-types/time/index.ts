import { goEncode } from "../../src/compat/go-json.ts";
import type { ResourceType } from "../../src/protocol/types.ts";
import { check } from "./check.ts";
import { decodeCheck, decodeIn, decodeOut, type TimeSource } from "./decode.ts";
import { get } from "./in.ts";
import { put } from "./out.ts";
import { getParamsSchema, putParamsSchema, sourceSchema, versionSchema, type TimeVersion } from "./schema.ts";
import { validateSource } from "./validate.ts";

/** concourse/time-resource, natively (reference §2). */
export const timeType: ResourceType<TimeSource, TimeVersion, unknown, unknown> = {
  name: "time",
  description: "emits the current time on an interval and/or within a daily window",
  schemas: { source: sourceSchema, version: versionSchema, getParams: getParamsSchema, putParams: putParamsSchema },
  decodeCheck,
  decodeIn,
  decodeOut,
  check,
  in: get,
  out: put,
  // Go's json.Encoder: `null` for an empty check, struct field order, a newline
  encodeResponse: (response) => goEncode(response),
  validateSource,
};

export default timeType;

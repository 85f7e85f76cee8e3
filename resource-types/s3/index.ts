import { goEncode } from "../../src/compat/go-json.ts";
import type { ResourceType } from "../../src/protocol/types.ts";
import { check } from "./check.ts";
import { decodeCheck, decodeIn, decodeOut, type S3GetParams, type S3PutParams, type S3Source } from "./decode.ts";
import { get } from "./in.ts";
import { put } from "./out.ts";
import { getParamsSchema, putParamsSchema, sourceSchema, versionSchema, type S3Version } from "./schema.ts";
import { validateParams, validateSource } from "./validate.ts";

/** concourse/s3-resource, natively (reference §3). */
export const s3Type: ResourceType<S3Source, S3Version, S3GetParams, S3PutParams> = {
  name: "s3",
  description: "versions objects in an S3 bucket by a regexp over their keys or by S3 object versions",
  schemas: { source: sourceSchema, version: versionSchema, getParams: getParamsSchema, putParams: putParamsSchema },
  decodeCheck,
  decodeIn,
  decodeOut,
  check,
  in: get,
  out: put,
  // Go's json.Encoder: `null` for an empty regexp check, struct field order, a newline
  encodeResponse: (response) => goEncode(response),
  validateSource,
  validateParams,
};

export default s3Type;

import { goEncode } from "../../src/compat/go-json.ts";
import type { ResourceType } from "../../src/protocol/types.ts";
import { decodeCheck, decodeIn, decodeOut, type S3GetParams, type S3PutParams, type S3Source } from "./decode.ts";
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
  // the operations (the AWS SDK behind them) load on first use:
  // `jetway validate` and `--help` only need the schemas and decoders
  check: async (request, ctx) => (await import("./check.ts")).check(request, ctx),
  in: async (request, ctx) => (await import("./in.ts")).get(request, ctx),
  out: async (request, ctx) => (await import("./out.ts")).put(request, ctx),
  // Go's json.Encoder: `null` for an empty regexp check, struct field order, a newline
  encodeResponse: (response) => goEncode(response),
  validateSource,
  validateParams,
};

export default s3Type;

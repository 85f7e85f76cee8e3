/**
 * `git`: concourse/git-resource, natively, with no git binary: isomorphic-git
 * over our own transports (http(s), ssh, local paths), upstream's request
 * handling (jq's wording included) and upstream's outputs byte for byte.
 */
import type { ResourceType } from "../../src/protocol/types.ts";
import { check } from "./check.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";
import { encodeResponse } from "./encode.ts";
import { get } from "./in.ts";
import { put } from "./out.ts";
import { getParamsSchema, putParamsSchema, sourceSchema, versionSchema } from "./schema.ts";
import { validateSource, validateParams } from "./validate.ts";

export const gitType: ResourceType = {
  name: "git",
  description: "commits and tags of a git repository over http(s), ssh or a local path (concourse/git-resource)",
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

export default gitType;

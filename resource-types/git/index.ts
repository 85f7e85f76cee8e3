/**
 * `git`: concourse/git-resource, natively, with no git binary: isomorphic-git
 * over our own transports (http(s), ssh, local paths), upstream's request
 * handling (jq's wording included) and upstream's outputs byte for byte.
 */
import type { DirectoryContext, OperationContext, ResourceType } from "../../src/protocol/types.ts";
import { decodeCheck, decodeIn, decodeOut, type GitCheckRequest, type GitInRequest, type GitOutRequest } from "./decode.ts";
import { encodeResponse } from "./encode.ts";
import { getParamsSchema, putParamsSchema, sourceSchema, versionSchema } from "./schema.ts";
import { validateSource, validateParams } from "./validate.ts";

export const gitType: ResourceType = {
  name: "git",
  description: "commits and tags of a git repository over http(s), ssh or a local path (concourse/git-resource)",
  schemas: { source: sourceSchema, version: versionSchema, getParams: getParamsSchema, putParams: putParamsSchema },
  decodeCheck,
  decodeIn,
  decodeOut,
  // the operations (isomorphic-git and ssh2 behind them) load on first use:
  // `jetway validate` and `--help` only need the schemas and decoders
  check: async (request: GitCheckRequest, ctx: OperationContext) => (await import("./check.ts")).check(request, ctx),
  in: async (request: GitInRequest, ctx: DirectoryContext) => (await import("./in.ts")).get(request, ctx),
  out: async (request: GitOutRequest, ctx: DirectoryContext) => (await import("./out.ts")).put(request, ctx),
  encodeResponse,
  validateSource, validateParams,
};

export default gitType;

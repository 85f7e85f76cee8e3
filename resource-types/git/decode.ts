/**
 * Decodes git requests as upstream's bash + jq scripts read them (reference
 * §1): jq 1.6's parse errors, `Found unknown keys in ...` with exit 1, the
 * scripts' own payload checks in their order, then one line for options jetway
 * does not do natively. The zod schemas run last, so upstream's words win
 * wherever upstream has words.
 */
import type { z } from "zod";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { CheckRequest, InRequest, OutRequest } from "../../src/protocol/types.ts";
import { checkConfig, type CheckConfig } from "./check-config.ts";
import { inConfig, type InConfig } from "./in-config.ts";
import { path } from "./jq/eval.ts";
import { JqPayload } from "./jq/payload.ts";
import { toPlain, type JqValue } from "./jq/value.ts";
import { outConfig, type OutConfig } from "./out-config.ts";
import {
  getParamsSchema,
  putParamsSchema,
  sourceSchema,
  type GitGetParams,
  type GitPutParams,
  type GitSource,
  type GitVersion,
} from "./schema.ts";

export interface GitCheckRequest extends CheckRequest<GitSource, GitVersion> {
  config: CheckConfig;
}

export interface GitInRequest extends InRequest<GitSource, GitVersion, GitGetParams> {
  config: InConfig;
}

export interface GitOutRequest extends OutRequest<GitSource, GitPutParams> {
  config: OutConfig;
}

export function decodeCheck(stdin: string): GitCheckRequest {
  const payload = JqPayload.parse(stdin);
  const config = checkConfig(payload);
  const source = validate(sourceSchema, field(payload, "source"), "source");
  const commit = field(payload, "version", "commit");
  const version = config.cursor === "" ? null : { ref: config.cursor, ...(typeof commit === "string" && { commit }) };
  return { source, version, config };
}

export function decodeIn(stdin: string): GitInRequest {
  const payload = JqPayload.parse(stdin);
  const config = inConfig(payload);
  // get only guards params; unknown source keys pass as they do upstream
  const source = validate(sourceSchema.loose(), field(payload, "source"), "source") as GitSource;
  const params = validate(getParamsSchema, field(payload, "params"), "params");
  const version = { ref: config.ref, ...(config.versionBranch !== "" && { branch: config.versionBranch }) };
  return { source, version, params, config };
}

export function decodeOut(stdin: string): GitOutRequest {
  const payload = JqPayload.parse(stdin);
  const config = outConfig(payload);
  const source = validate(sourceSchema.loose(), field(payload, "source"), "source") as GitSource;
  const params = validate(putParamsSchema, field(payload, "params"), "params");
  return { source, params, config };
}

/** A request field as plain JSON; absent, null or false (jq's "no value") reads as {}. */
function field(payload: JqPayload, ...keys: string[]): unknown {
  let v: JqValue;
  try {
    v = keys.reduce<JqValue>((x, k) => path(x, k), payload.value);
  } catch {
    return undefined;
  }
  return v === null || v === false ? (keys.length === 1 ? {} : undefined) : toPlain(v);
}

function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = [where, ...(issue?.path ?? []).map(String)].join(".");
  throw new JetwayError("INVALID_REQUEST", `invalid ${at}: ${issue?.message ?? "does not match the schema"}`);
}

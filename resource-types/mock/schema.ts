import * as z from "zod";

/**
 * The mock resource's configuration (reference §4). Upstream decodes with
 * DisallowUnknownFields, so every object here is strict; every field is
 * optional because Go leaves a missing field at its zero value.
 */

export const metadataFieldSchema = z.strictObject({
  name: z.string(),
  value: z.string(),
});

export const sourceSchema = z.strictObject({
  mirror_self: z.boolean().optional().describe("fetch the resource itself as an image (not supported natively)"),
  initial_version: z.string().optional().describe("version check emits when given none; default MIRRORED_VERSION or 'mock'"),
  no_initial_version: z.boolean().optional().describe("emit nothing from check when given no version"),
  force_version: z.string().optional().describe("the only version check ever emits"),
  create_files: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("files for in to create: path -> string, or any JSON value (written as JSON)"),
  check_delay: z.string().optional().describe("Go duration check sleeps before answering"),
  check_failure: z.string().optional().describe("make every check fail with this message"),
  metadata: z.array(metadataFieldSchema).optional().describe("metadata returned by every get and put"),
  log: z.string().optional().describe("a message logged at the start of every action"),
});

export const versionSchema = z.strictObject({
  version: z.string(),
  privileged: z.string().optional().describe('"true" when the resource ran privileged'),
});

export const getParamsSchema = z.strictObject({
  mirror_self_via_params: z.boolean().optional().describe("mirror_self, from params (not supported natively)"),
  create_files_via_params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("more files for in to create; these override create_files entries of the same path"),
});

export const putParamsSchema = z.strictObject({
  version: z.string().optional().describe("the version to create"),
  print_env: z.boolean().optional().describe("log every environment variable to stderr"),
  file: z.string().optional().describe("a file (relative to the put's directory) whose contents become the version"),
});

export type MockMetadataField = z.infer<typeof metadataFieldSchema>;
export type MockSource = z.infer<typeof sourceSchema>;
export type MockVersion = z.infer<typeof versionSchema>;
export type MockGetParams = z.infer<typeof getParamsSchema>;
export type MockPutParams = z.infer<typeof putParamsSchema>;

/**
 * The resource executor seam: every resource operation the runner makes (check,
 * get, put, and image fetches) goes through a ResourceExecutor, which decides how
 * it runs — a native type in-process, a native type delivered into a container,
 * or the type's own image as a fallback — and reports which it chose and why.
 */
import type { Operation } from "../protocol/types.ts";
import type { Driver, Volume } from "../orchestra/types.ts";
import type { NativeMode, ResourceTypeConfig } from "../pipeline/types.ts";

/** A resource operation as the runner asks for it. */
export interface ResourceOperation {
  op: Operation;
  /** the resource (or resource type) name, for logs */
  resourceName: string;
  /** the type name as written in the pipeline */
  type: string;
  /** the protocol request: {source, version?, params?} — serialised as JSON on stdin */
  request: Record<string, unknown>;
  /**
   * in: the volume to fill. out: the volume holding the step's inputs as subdirectories
   * (Concourse's `out DIR`). Unused by check.
   */
  volume?: Volume;
  /** BUILD_* metadata and ATC_EXTERNAL_URL, as Concourse sets them for in/out */
  env: Record<string, string>;
  signal?: AbortSignal;
  /** the operation's stderr, streamed into the step's log */
  stderr: (text: string) => void;
  /** the resource's `native:` key; absent: the executor's global preference decides */
  native?: NativeMode;
  /**
   * The pipeline's resource_types: where the image of a type jetway does not
   * implement (or that the pipeline redefines) comes from, chains included.
   */
  resourceTypes?: readonly ResourceTypeConfig[];
}

export interface ResourceResult {
  /** the parsed JSON response: a version list for check, {version, metadata} for in/out */
  response: unknown;
  /** how it ran, e.g. "native in-process" or "image jetway/git-resource via docker" */
  how: string;
  /** why that way, e.g. "native type, driver volumes have host paths" */
  why: string;
}

export interface ResourceExecutor {
  run(operation: ResourceOperation, driver: Driver): Promise<ResourceResult>;
}

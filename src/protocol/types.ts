import type { z } from "zod";

/** The Concourse resource protocol, as the ATC speaks it to /opt/resource/{check,in,out}. */

export type Operation = "check" | "in" | "out";
export const OPERATIONS: readonly Operation[] = ["check", "in", "out"];

/** A version is a flat map of strings; Concourse compares versions by their JSON. */
export type Version = Record<string, string>;

export interface MetadataField {
  name: string;
  value: string;
}

/** Go resources print `null` for a nil metadata slice, so null is a distinct value here. */
export type Metadata = MetadataField[] | null;

export interface CheckRequest<S = unknown, V = Version> {
  source: S;
  version: V | null;
}

export interface InRequest<S = unknown, V = Version, G = unknown> {
  source: S;
  version: V;
  params: G;
}

export interface OutRequest<S = unknown, P = unknown> {
  source: S;
  params: P;
}

/** Some upstream types print `null` rather than `[]` when there is nothing (reference §0). */
export type CheckResponse<V = Version> = V[] | null;

export interface InOutResponse<V = Version> {
  version: V;
  metadata: Metadata;
}

/** The environment Concourse gives every get and put (not check). */
export interface BuildMetadata {
  BUILD_ID?: string;
  BUILD_NAME?: string;
  BUILD_JOB_NAME?: string;
  BUILD_PIPELINE_NAME?: string;
  BUILD_PIPELINE_INSTANCE_VARS?: string;
  BUILD_TEAM_NAME?: string;
  ATC_EXTERNAL_URL?: string;
}
export const BUILD_METADATA_KEYS = [
  "BUILD_ID",
  "BUILD_NAME",
  "BUILD_JOB_NAME",
  "BUILD_PIPELINE_NAME",
  "BUILD_PIPELINE_INSTANCE_VARS",
  "BUILD_TEAM_NAME",
  "ATC_EXTERNAL_URL",
] as const satisfies readonly (keyof BuildMetadata)[];

/** Everything that goes to stderr. Stdout belongs to the response alone. */
export interface Logger {
  /** writes one line (a newline is added) */
  log(line: string): void;
  /** writes text exactly as given */
  raw(text: string): void;
}

/** Nanoseconds since the Unix epoch. Types read time only through this, so tests can fix it. */
export interface Clock {
  nowNanos(): bigint;
}

export interface OperationContext {
  build: BuildMetadata;
  /** the process environment the operation may read (e.g. MIRRORED_VERSION), never mutated */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  signal: AbortSignal;
  clock: Clock;
}

export interface DirectoryContext extends OperationContext {
  /** `in`: the destination directory; `out`: the build's source directory */
  dir: string;
}

export interface ResourceSchemas {
  source: z.ZodType;
  version: z.ZodType;
  getParams: z.ZodType;
  putParams: z.ZodType;
}

/**
 * One resource type, implemented natively. Requests are decoded by the type
 * itself because upstream types disagree on how strict to be and on how to
 * word a bad request (reference §0); every type's decoder still runs its zod
 * schemas through safeParse and throws a JetwayError.
 */
export interface ResourceType<S = any, V extends Version = any, G = any, P = any> {
  readonly name: string;
  readonly description: string;
  readonly schemas: ResourceSchemas;
  decodeCheck(stdin: string): CheckRequest<S, V>;
  decodeIn(stdin: string): InRequest<S, V, G>;
  decodeOut(stdin: string): OutRequest<S, P>;
  check(request: CheckRequest<S, V>, ctx: OperationContext): Promise<CheckResponse<V>>;
  in(request: InRequest<S, V, G>, ctx: DirectoryContext): Promise<InOutResponse<V>>;
  out(request: OutRequest<S, P>, ctx: DirectoryContext): Promise<InOutResponse<V>>;
  /** serialises a response exactly as upstream prints it (newline included) */
  encodeResponse(response: CheckResponse<V> | InOutResponse<V>): string;
  /**
   * Optional, for `jetway validate`: what a check would refuse in this source,
   * found by decoding alone (nothing runs, nothing is reached over the network).
   * Without it only `schemas.source` is checked.
   */
  validateSource?(source: unknown): ConfigProblem[];
  /** Optional: the same for a get's (`in`) or a put's (`out`) params, with the resource's source. */
  validateParams?(op: "in" | "out", params: unknown, source: unknown): ConfigProblem[];
}

/** One problem with a source or params, as `validateSource`/`validateParams` report it. */
export interface ConfigProblem {
  /** where, below the source or params object; [] for the object as a whole */
  path: (string | number)[];
  message: string;
}

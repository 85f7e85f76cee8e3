/**
 * Typed errors at the protocol edge. Every failure a user can cause or see has
 * a code from ERROR_CODES and a one-line message; the entry wrapper prints that
 * line and exits non-zero, never a stack trace (unless JETWAY_DEBUG is set).
 */

export const ERROR_CODES = {
  /** stdin was empty or not JSON */
  MALFORMED_REQUEST: { exitCode: 1, summary: "the request on stdin is not valid JSON" },
  /** JSON, but a key is missing, mistyped or not allowed */
  INVALID_REQUEST: { exitCode: 1, summary: "the request does not match the type's schema" },
  /** the source/params are well-formed but the combination is refused */
  INVALID_CONFIG: { exitCode: 1, summary: "the configuration is not usable" },
  /** a path in the request would leave the destination directory */
  PATH_ESCAPE: { exitCode: 1, summary: "a path escapes its destination" },
  /** the operation ran and failed (remote refused, file missing, ...) */
  OPERATION_FAILED: { exitCode: 1, summary: "the operation failed" },
  /** an option upstream supports that jetway does not implement natively */
  UNSUPPORTED: { exitCode: 1, summary: "not supported natively" },
  /** the command line itself is wrong */
  USAGE: { exitCode: 2, summary: "bad command-line usage" },
  /** an unknown resource type name */
  UNKNOWN_TYPE: { exitCode: 2, summary: "no such resource type" },
  /** the type is already registered */
  DUPLICATE_TYPE: { exitCode: 2, summary: "resource type registered twice" },
  /** a driver could not run a task: missing image, command not found, engine unreachable */
  DRIVER_FAILED: { exitCode: 1, summary: "the task could not be run" },
  /** the pipeline YAML is invalid (unknown keys, undefined resources, cycles, schema errors) */
  PIPELINE_INVALID: { exitCode: 1, summary: "the pipeline configuration is invalid" },
  /** a ((var)) has no value */
  VAR_MISSING: { exitCode: 1, summary: "a pipeline variable is undefined" },
  /** a step or build failed */
  BUILD_FAILED: { exitCode: 1, summary: "the build failed" },
  /** the operation was aborted through its AbortSignal */
  ABORTED: { exitCode: 130, summary: "aborted" },
  /** a bug: anything that is not a JetwayError */
  INTERNAL: { exitCode: 1, summary: "internal error" },
} as const satisfies Record<string, { exitCode: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface JetwayErrorOptions {
  cause?: unknown;
  /** exit status to use instead of the code's default (upstream parity, e.g. Go panics exit 2) */
  exitCode?: number;
  /**
   * The exact text to print on stderr, when upstream's wording differs from
   * `message` (for example a logrus-formatted line). Defaults to `message`.
   */
  stderr?: string;
}

export class JetwayError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly stderr: string;

  constructor(code: ErrorCode, message: string, options: JetwayErrorOptions = {}) {
    super(oneLine(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "JetwayError";
    this.code = code;
    this.exitCode = options.exitCode ?? ERROR_CODES[code].exitCode;
    this.stderr = options.stderr ?? this.message;
  }
}

export function isJetwayError(e: unknown): e is JetwayError {
  return e instanceof JetwayError;
}

/** Messages are one line: anything a remote or a library adds after a newline is folded. */
export function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, " ").trim();
}

/** Wraps anything thrown into a JetwayError, keeping JetwayErrors as they are. */
export function toJetwayError(e: unknown): JetwayError {
  if (isJetwayError(e)) return e;
  if (e instanceof Error && e.name === "AbortError") return new JetwayError("ABORTED", "aborted", { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new JetwayError("INTERNAL", `internal error: ${message}`, { cause: e });
}

/**
 * How upstream fails. Its Fatal prints `error <doing>: <cause>` in red (the
 * colour reset comes after the newline, as mitchellh/colorstring writes it)
 * and exits 1; a Go panic prints `panic: <message>` and exits 2.
 */
import { JetwayError, type ErrorCode } from "../../src/protocol/errors.ts";

/** s3resource.Fatal(doing, err) */
export function fatal(code: ErrorCode, doing: string, cause: string, error?: unknown): JetwayError {
  const text = `error ${doing}: ${cause}`;
  return new JetwayError(code, text, { stderr: `\x1b[31m${text}\n\x1b[0m`, ...(error !== undefined && { cause: error }) });
}

/** Fatal("running command", err): how every command error ends. */
export function commandError(code: ErrorCode, cause: string, error?: unknown): JetwayError {
  return fatal(code, "running command", cause, error);
}

/** panic(message): Go prints the value, then a stack we do not imitate, and exits 2. */
export function goPanic(code: ErrorCode, message: string): JetwayError {
  return new JetwayError(code, `panic: ${message}`, { exitCode: 2, stderr: `panic: ${message}\n` });
}

/** A panic raised deep inside a walk, carried out to where Go would have panicked. */
export class PanicSignal extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "PanicSignal";
    this.code = code;
  }
  toJetwayError(): JetwayError {
    return goPanic(this.code, this.message);
  }
}

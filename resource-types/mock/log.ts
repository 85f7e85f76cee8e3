/**
 * How the mock resource talks on stderr: every line is logrus, errors
 * included, and stdout stays reserved for the response.
 */
import { logrusLine } from "../../src/compat/logrus.ts";
import { JetwayError, type ErrorCode } from "../../src/protocol/errors.ts";
import type { OperationContext } from "../../src/protocol/types.ts";

/** logrus.Printf / Info: an info line. */
export function logInfo(ctx: OperationContext, message: string): void {
  ctx.logger.raw(logrusLine("info", message));
}

/** logrus.Errorf then os.Exit(1): the error's stderr is that exact line. */
export function mockError(code: ErrorCode, message: string, cause?: unknown): JetwayError {
  return new JetwayError(code, message, { stderr: logrusLine("error", message), ...(cause !== undefined && { cause }) });
}

/** source.log is printed first thing in every action. */
export function logSourceMessage(ctx: OperationContext, log: string | undefined): void {
  if (log) logInfo(ctx, log);
}

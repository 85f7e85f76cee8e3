import type { S3Access } from "./client.ts";
import { describeS3Error } from "./s3-error.ts";

/** A failed S3 call, already worded; `doing` decides the prefix where it is reported. */
export class S3CallError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = "S3CallError";
  }
}

/**
 * Sends one command, cancelled with the operation's signal, and turns any
 * SDK failure into an S3CallError worded as upstream's SDK words it.
 */
export async function send<T>(access: S3Access, operation: string, command: object, signal: AbortSignal): Promise<T> {
  try {
    return (await access.client.send(command as never, { abortSignal: signal })) as T;
  } catch (e) {
    if (signal.aborted) throw e;
    throw new S3CallError(describeS3Error(e, "S3", operation, access.secrets), e);
  }
}

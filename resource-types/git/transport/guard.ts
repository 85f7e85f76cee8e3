/**
 * Time and cancellation bounds shared by the network transports. A remote that
 * stalls or hangs up mid-pack must turn into an error the caller sees, never
 * into a promise that stays pending: every wait here races an idle timer and
 * the AbortSignal, and tears the underlying connection down when either fires.
 */
import { JetwayError } from "../../../src/protocol/errors.ts";

export function abortedError(): JetwayError {
  return new JetwayError("ABORTED", "aborted");
}

/**
 * Resolves with `work`, or rejects (after calling `teardown`) when `ms` pass
 * or `signal` aborts first.
 */
export function deadline<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
  onTimeout: () => Error,
  teardown: (err: Error) => void,
): Promise<T> {
  if (signal?.aborted) {
    const err = abortedError();
    teardown(err);
    work.catch(() => {});
    return Promise.reject(err);
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const fail = (err: Error): void =>
      finish(() => {
        teardown(err);
        reject(err);
      });
    const onAbort = (): void => fail(abortedError());
    const timer = setTimeout(() => fail(onTimeout()), ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}

/**
 * Re-yields `source`, failing when no chunk arrives for `idleMs` (measured
 * only while the consumer is waiting, so a slow consumer is not a stall).
 * `mapError` turns the source's own errors (a reset socket) into typed ones.
 */
export async function* guardedBody(
  source: AsyncIterable<Uint8Array>,
  opts: {
    idleMs: number;
    signal?: AbortSignal | undefined;
    onIdle: () => Error;
    teardown: (err: Error) => void;
    mapError: (e: unknown) => Error;
  },
): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await deadline(it.next(), opts.idleMs, opts.signal, opts.onIdle, opts.teardown);
      } catch (e) {
        throw e instanceof JetwayError ? e : opts.mapError(e);
      }
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // the consumer stopped early (or we failed): release the connection
    if (!finished) {
      opts.teardown(abortedError());
      void it.return?.()?.catch?.(() => {});
    }
  }
}

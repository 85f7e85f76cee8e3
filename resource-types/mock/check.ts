/** check: a fixed list of versions, optionally late or failing on purpose (reference §4). */
import { setTimeout as sleep } from "node:timers/promises";
import { GoDurationError, parseGoDuration } from "../../src/compat/go-duration.ts";
import type { CheckRequest, OperationContext } from "../../src/protocol/types.ts";
import { logSourceMessage, mockError } from "./log.ts";
import { requirePrivilegeAnswer } from "./privileged.ts";
import type { MockSource, MockVersion } from "./schema.ts";

const DEFAULT_INITIAL_VERSION = "mock";

export async function check(request: CheckRequest<MockSource, MockVersion>, ctx: OperationContext): Promise<MockVersion[]> {
  const { source } = request;
  logSourceMessage(ctx, source.log);

  if (source.check_delay) await sleepFor(delayOf(source.check_delay), ctx.signal);
  if (source.check_failure) {
    throw mockError("OPERATION_FAILED", `intentionally failing to check: ${source.check_failure}`);
  }

  const versions: MockVersion[] = [];
  if (source.force_version) versions.push({ version: source.force_version });
  else if (request.version !== null) versions.push(request.version);
  else if (!source.no_initial_version) versions.push({ version: initialVersion(source, ctx) });

  if (await requirePrivilegeAnswer()) return versions.map((v) => ({ ...v, privileged: "true" }));
  return versions;
}

function initialVersion(source: MockSource, ctx: OperationContext): string {
  return source.initial_version || ctx.env.MIRRORED_VERSION || DEFAULT_INITIAL_VERSION;
}

function delayOf(text: string): bigint {
  try {
    return parseGoDuration(text);
  } catch (e) {
    if (e instanceof GoDurationError) throw mockError("INVALID_CONFIG", `malformed check_delay duration (${text}): ${e.message}`, e);
    throw e;
  }
}

/** Longest single timer Node honours; longer delays are slept in pieces. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** time.Sleep, but abortable; a zero or negative duration returns at once, as in Go. */
async function sleepFor(nanos: bigint, signal: AbortSignal): Promise<void> {
  let ms = nanos > 0n ? Math.ceil(Number(nanos) / 1e6) : 0;
  while (ms > 0) {
    const step = Math.min(ms, MAX_TIMER_MS);
    await sleep(step, undefined, { signal });
    ms -= step;
  }
}

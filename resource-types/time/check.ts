import { isZero, parseRFC3339, type GoTime } from "../../src/compat/go-time.ts";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { CheckRequest, CheckResponse, OperationContext } from "../../src/protocol/types.ts";
import type { TimeSource } from "./decode.ts";
import type { TimeVersion } from "./schema.ts";
import { shouldEmit } from "./time-lord.ts";
import { encodeTime, nowIn } from "./version-time.ts";

/** Source.Validate: start and stop come together. */
export function validateSource(source: TimeSource): void {
  if ((source.start === null) !== (source.stop === null)) {
    const message = source.start !== null ? "must configure 'stop' if 'start' is set" : "must configure 'start' if 'stop' is set";
    throw new JetwayError("INVALID_CONFIG", `running command: ${message}`);
  }
}

/**
 * [prev?, now?]: the previous version is echoed as Go re-encodes it (same
 * instant and offset, nanoseconds kept); initial_version answers [now] at once
 * when there is no previous version; otherwise now is added when the
 * TimeLord allows. Nothing at all prints `null`, Go's nil slice.
 */
export async function check(request: CheckRequest<TimeSource, TimeVersion>, ctx: OperationContext): Promise<CheckResponse<TimeVersion>> {
  const { source } = request;
  validateSource(source);
  const prevTime = request.version === null ? null : parseRFC3339(request.version.time);
  const previous = prevTime === null || isZero(prevTime) ? null : prevTime;
  const now = nowIn(source, ctx);

  if (previous === null && source.initialVersion) return [{ time: encodeTime(now) }];
  const versions: GoTime[] = previous === null ? [] : [previous];
  const emit = shouldEmit(
    {
      previous,
      location: source.location?.zone ?? null,
      start: source.start,
      stop: source.stop,
      interval: source.interval,
      days: source.days,
      startAfter: source.startAfter,
    },
    now,
  );
  if (emit) versions.push(now);
  return versions.length === 0 ? null : versions.map((t) => ({ time: encodeTime(t) }));
}

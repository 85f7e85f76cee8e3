import { GoTimeError, inZone, marshalTime, UTC, type GoTime } from "../../src/compat/go-time.ts";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { OperationContext } from "../../src/protocol/types.ts";
import type { TimeSource } from "./decode.ts";

/** The current time as upstream takes it: UTC, then moved into `location` if one is set. */
export function nowIn(source: TimeSource, ctx: OperationContext): GoTime {
  const now: GoTime = { ns: ctx.clock.nowNanos(), zone: UTC };
  return source.location === null ? now : inZone(now, source.location.zone);
}

/** A version's time as Go's encoder writes it; one RFC 3339 cannot hold fails the output, as in Go. */
export function encodeTime(t: GoTime): string {
  try {
    return marshalTime(t);
  } catch (e) {
    if (e instanceof GoTimeError) throw new JetwayError("OPERATION_FAILED", e.message);
    throw e;
  }
}

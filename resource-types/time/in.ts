import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatGoDuration } from "../../src/compat/go-duration.ts";
import { goEncode } from "../../src/compat/go-json.ts";
import { formatGo, isZero, marshalTime, parseRFC3339, unix, UTC, type GoTime } from "../../src/compat/go-time.ts";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { DirectoryContext, InOutResponse, InRequest } from "../../src/protocol/types.ts";
import type { TimeSource } from "./decode.ts";
import type { TimeVersion } from "./schema.ts";
import { formatStartAfter } from "./start-after.ts";
import { formatTimeOfDay } from "./time-of-day.ts";
import { encodeTime } from "./version-time.ts";
import { formatWeekday } from "./weekday.ts";

/** The source as the Go structs marshal it back, in struct order. */
export function marshalSource(source: TimeSource): Record<string, unknown> {
  return {
    initial_version: source.initialVersion,
    interval: source.interval === null ? null : formatGoDuration(source.interval),
    start: source.start === null ? null : formatTimeOfDay(source.start),
    stop: source.stop === null ? null : formatTimeOfDay(source.stop),
    days: source.days === null ? null : source.days.map(formatWeekday),
    location: source.location === null ? null : source.location.name,
    start_after: source.startAfter === null ? null : formatStartAfter(source.startAfter),
  };
}

async function step<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new JetwayError("OPERATION_FAILED", `running command: ${doing}: ${message}`, { cause: e });
  }
}

/**
 * Writes `input` (the request re-encoded), `timestamp` and `epoch`, and
 * answers with the version. The version keeps its own offset; with no
 * version, it is now in UTC (Go's Local in the upstream image).
 */
export async function get(
  request: InRequest<TimeSource, TimeVersion, unknown>,
  ctx: DirectoryContext,
): Promise<InOutResponse<TimeVersion>> {
  const requested = parseRFC3339(request.version.time);
  await step("creating destination", () => mkdir(ctx.dir, { recursive: true }));
  const input = await step("writing input file", async () =>
    goEncode({ source: marshalSource(request.source), version: { time: marshalTime(requested) } }),
  );
  await step("writing input file", () => writeFile(join(ctx.dir, "input"), input));

  const versionTime: GoTime = isZero(requested) ? { ns: ctx.clock.nowNanos(), zone: UTC } : requested;
  await step("writing timestamp file", () =>
    writeFile(join(ctx.dir, "timestamp"), formatGo(versionTime, "2006-01-02 15:04:05.999999999 -0700 MST")),
  );
  await step("writing epoch file", () => writeFile(join(ctx.dir, "epoch"), unix(versionTime).toString()));
  return { version: { time: encodeTime(versionTime) }, metadata: null };
}

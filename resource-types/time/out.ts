import type { DirectoryContext, InOutResponse, OutRequest } from "../../src/protocol/types.ts";
import type { TimeSource } from "./decode.ts";
import type { TimeVersion } from "./schema.ts";
import { encodeTime, nowIn } from "./version-time.ts";

/** out records the current time in `location`; it takes no params and touches no files. */
export async function put(request: OutRequest<TimeSource, unknown>, ctx: DirectoryContext): Promise<InOutResponse<TimeVersion>> {
  return { version: { time: encodeTime(nowIn(request.source, ctx)) }, metadata: null };
}

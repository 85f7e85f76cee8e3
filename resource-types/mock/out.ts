/** out: "creates" the version given in params, or read from a file (reference §4). */
import { readFile } from "node:fs/promises";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { safeJoin } from "../../src/protocol/paths.ts";
import type { DirectoryContext, InOutResponse, OutRequest } from "../../src/protocol/types.ts";
import { logInfo, logSourceMessage, mockError } from "./log.ts";
import { goPathError } from "./os-error.ts";
import { requirePrivilegeAnswer } from "./privileged.ts";
import type { MockPutParams, MockSource, MockVersion } from "./schema.ts";

/** The request's version (upstream accepts one) plays no part. */
export async function put(request: OutRequest<MockSource, MockPutParams>, ctx: DirectoryContext): Promise<InOutResponse<MockVersion>> {
  const { source, params } = request;
  logSourceMessage(ctx, source.log);

  // a file, when named, wins over params.version; its contents are used verbatim
  const text = params.file ? await readVersionFile(ctx.dir, params.file) : (params.version ?? "");
  if (text === "") throw mockError("INVALID_CONFIG", "no version specified");

  const version: MockVersion = { version: text };
  if (await requirePrivilegeAnswer()) {
    logInfo(ctx, "pushing in a privileged container");
    version.privileged = "true";
  }
  logInfo(ctx, `pushing version: ${text}`);

  if (params.print_env) {
    for (const [name, value] of Object.entries(ctx.env)) {
      if (value !== undefined) logInfo(ctx, `env: ${name}=${value}`);
    }
  }

  return { version, metadata: source.metadata ?? null };
}

async function readVersionFile(dir: string, file: string): Promise<string> {
  let target: string;
  try {
    target = safeJoin(dir, file, "file");
  } catch (e) {
    if (isJetwayError(e)) throw mockError("PATH_ESCAPE", e.message, e);
    throw e;
  }
  try {
    return await readFile(target, "utf8");
  } catch (e) {
    throw mockError("OPERATION_FAILED", `failed to read version file: ${goPathError(e, "open", target)}`, e);
  }
}

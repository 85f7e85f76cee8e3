/** in: writes `version`, `privileged` and the configured files, and echoes the version (reference §4). */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { goMarshal } from "../../src/compat/go-json.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { safeJoin } from "../../src/protocol/paths.ts";
import type { DirectoryContext, InOutResponse, InRequest } from "../../src/protocol/types.ts";
import { logInfo, logSourceMessage, mockError } from "./log.ts";
import { goPathError } from "./os-error.ts";
import { requirePrivilegeAnswer } from "./privileged.ts";
import type { MockGetParams, MockSource, MockVersion } from "./schema.ts";

interface PlannedFile {
  path: string;
  target: string;
  content: string;
}

export async function get(
  request: InRequest<MockSource, MockVersion, MockGetParams>,
  ctx: DirectoryContext,
): Promise<InOutResponse<MockVersion>> {
  const { source, params, version } = request;
  logSourceMessage(ctx, source.log);
  refuseMirrorSelf(source, params);
  // every path is checked before anything is written, so a bad one leaves no trace
  const planned = planFiles(ctx.dir, source.create_files ?? {}, params.create_files_via_params ?? {});

  const privileged = await requirePrivilegeAnswer();
  if (privileged) logInfo(ctx, "fetching in a privileged container");
  // upstream json-encodes the bool, hence the newline
  await write(ctx.dir, "privileged", `${privileged}\n`, 0o666);

  logInfo(ctx, `fetching version: ${version.version}`);
  await write(ctx.dir, "version", `${version.version}\n`, 0o777);

  for (const file of planned) {
    try {
      await mkdir(dirname(file.target), { recursive: true, mode: 0o755 });
    } catch (e) {
      throw mockError("OPERATION_FAILED", `failed to create directory '${dirname(file.target)}': ${goPathError(e, "mkdir", dirname(file.target))}`, e);
    }
    try {
      await writeFile(file.target, file.content, { mode: 0o644 });
    } catch (e) {
      throw mockError("OPERATION_FAILED", `failed to write to file '${file.path}': ${goPathError(e, "open", file.target)}`, e);
    }
  }

  return { version, metadata: source.metadata ?? null };
}

/** Copying the container's own root filesystem only makes sense in upstream's image. */
function refuseMirrorSelf(source: MockSource, params: MockGetParams): void {
  const option = source.mirror_self ? "mirror_self" : params.mirror_self_via_params ? "mirror_self_via_params" : undefined;
  if (option === undefined) return;
  throw mockError(
    "UNSUPPORTED",
    `${option} is not supported by jetway's native mock resource: use the upstream concourse/mock-resource image for a resource that mirrors itself`,
  );
}

/**
 * The files to write, params overriding source. Go's map order is random;
 * sorted paths at least make overlapping paths behave the same every time.
 */
function planFiles(dir: string, fromSource: Record<string, unknown>, fromParams: Record<string, unknown>): PlannedFile[] {
  const files = { ...fromSource, ...fromParams };
  return Object.keys(files)
    .sort()
    .map((path) => {
      const option = Object.hasOwn(fromParams, path) ? "create_files_via_params" : "create_files";
      let target: string;
      try {
        target = safeJoin(dir, path, option);
      } catch (e) {
        if (isJetwayError(e)) throw mockError("PATH_ESCAPE", e.message, e);
        throw e;
      }
      return { path, target, content: render(files[path]) };
    });
}

/** Strings are written as they are, anything else as Go's json.Marshal prints it; then the var markers. */
function render(content: unknown): string {
  const text = typeof content === "string" ? content : goMarshal(content, true);
  return text.replaceAll("START_VAR", "((").replaceAll("END_VAR", "))");
}

async function write(dir: string, name: string, content: string, mode: number): Promise<void> {
  const target = join(dir, name);
  try {
    await writeFile(target, content, { mode });
  } catch (e) {
    throw mockError("OPERATION_FAILED", `failed to write ${name} file: ${goPathError(e, "open", target)}`, e);
  }
}

import { mkdir, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createContext, streamLogger } from "./context.ts";
import { JetwayError, toJetwayError } from "./errors.ts";
import { collectSecrets, redact } from "./secrets.ts";
import type { Clock, Operation, ResourceType } from "./types.ts";

export interface OperationIO {
  /** the whole request as sent on stdin */
  stdin: string;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  clock?: Clock;
}

export interface OperationResult {
  exitCode: number;
  /** exactly what was written to stdout: one JSON document, or nothing on failure */
  stdout: string;
}

/**
 * Runs one protocol operation the way /opt/resource/{check,in,out} does:
 * decode the request, run the type, print exactly one JSON document on stdout,
 * and on failure print one line on stderr and nothing on stdout. A failed `in`
 * into an empty destination leaves it empty again.
 */
export async function runOperation(
  type: ResourceType,
  op: Operation,
  args: readonly string[],
  io: OperationIO,
): Promise<OperationResult> {
  let secrets = new Set<string>();
  try {
    secrets = collectSecrets(JSON.parse(io.stdin));
  } catch {
    // not plain JSON: the type's decoder reports it below
  }
  const writeStderr = (text: string) => io.writeStderr(redact(text, secrets));
  const logger = streamLogger(writeStderr);
  const ctx = createContext({ env: io.env, logger, ...(io.signal && { signal: io.signal }), ...(io.clock && { clock: io.clock }) });

  let cleanup: (() => Promise<void>) | undefined;
  try {
    let stdout: string;
    if (op === "check") {
      const request = type.decodeCheck(io.stdin);
      stdout = type.encodeResponse(await type.check(request, ctx));
    } else {
      const dirArg = args[0];
      if (dirArg === undefined || dirArg === "") {
        throw new JetwayError("USAGE", `usage: ${op} <${op === "in" ? "destination" : "source"} directory>`, { exitCode: 1 });
      }
      const dir = resolve(dirArg);
      if (op === "in") {
        const request = type.decodeIn(io.stdin);
        cleanup = await emptyAgainOnFailure(dir);
        stdout = type.encodeResponse(await type.in(request, { ...ctx, dir }));
      } else {
        const request = type.decodeOut(io.stdin);
        stdout = type.encodeResponse(await type.out(request, { ...ctx, dir }));
      }
    }
    io.writeStdout(stdout);
    return { exitCode: 0, stdout };
  } catch (e) {
    const err = toJetwayError(e);
    if (cleanup) await cleanup().catch(() => undefined);
    writeStderr(endsLine(err.stderr) ? err.stderr : err.stderr + "\n");
    if (io.env.JETWAY_DEBUG && e instanceof Error && e.stack) writeStderr(e.stack + "\n");
    return { exitCode: err.exitCode, stdout: "" };
  }
}

/** Upstream's coloured lines end with the colour reset after the newline ("...\n\x1b[0m"). */
function endsLine(text: string): boolean {
  return text.endsWith("\n") || text.endsWith("\n\x1b[0m");
}

/**
 * Concourse hands `in` an empty directory. If that is what we were given and
 * the operation fails, whatever it wrote is removed, so a failed get never
 * looks like a finished one.
 */
async function emptyAgainOnFailure(dir: string): Promise<(() => Promise<void>) | undefined> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    await mkdir(dir, { recursive: true });
    entries = [];
  }
  if (entries.length > 0) return undefined;
  return async () => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  };
}

/** Reads all of a readable stream (stdin) as UTF-8. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** The body of a bundled /opt/resource entry point: real stdin, stdout, stderr and exit code. */
export async function runEntryPoint(type: ResourceType, op: Operation, args: readonly string[]): Promise<never> {
  const controller = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => controller.abort());
  const stdin = await readAll(process.stdin);
  const result = await runOperation(type, op, args, {
    stdin,
    writeStdout: (t) => process.stdout.write(t),
    writeStderr: (t) => process.stderr.write(t),
    env: process.env,
    signal: controller.signal,
  });
  await flush(process.stdout);
  await flush(process.stderr);
  process.exit(result.exitCode);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => (stream.writableLength === 0 ? done() : stream.write("", () => done())));
}

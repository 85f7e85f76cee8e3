import { BUILD_METADATA_KEYS, type BuildMetadata, type Clock, type Logger, type OperationContext } from "./types.ts";

/** Wall-clock time with microsecond resolution (Date alone has milliseconds). */
export const systemClock: Clock = {
  nowNanos() {
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    return BigInt(micros) * 1000n;
  },
};

/** A clock that always reads the same instant, for tests and replays. */
export function fixedClock(nanos: bigint): Clock {
  return { nowNanos: () => nanos };
}

export function buildMetadataFromEnv(env: Readonly<Record<string, string | undefined>>): BuildMetadata {
  const build: BuildMetadata = {};
  for (const key of BUILD_METADATA_KEYS) {
    const value = env[key];
    if (value !== undefined) build[key] = value;
  }
  return build;
}

export function streamLogger(write: (text: string) => void): Logger {
  return {
    log: (line) => write(line + "\n"),
    raw: (text) => write(text),
  };
}

export interface ContextOptions {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  signal?: AbortSignal;
  clock?: Clock;
}

export function createContext(options: ContextOptions = {}): OperationContext {
  const env = options.env ?? {};
  return {
    build: buildMetadataFromEnv(env),
    env,
    logger: options.logger ?? streamLogger((t) => process.stderr.write(t)),
    signal: options.signal ?? new AbortController().signal,
    clock: options.clock ?? systemClock,
  };
}

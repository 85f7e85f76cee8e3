export * from "./types.ts";
export { ERROR_CODES, JetwayError, isJetwayError, toJetwayError, type ErrorCode, type JetwayErrorOptions } from "./errors.ts";
export { createContext, fixedClock, systemClock, streamLogger, buildMetadataFromEnv, type ContextOptions } from "./context.ts";
export { runOperation, runEntryPoint, readAll, type OperationIO, type OperationResult } from "./entry.ts";
export { collectSecrets, redact } from "./secrets.ts";
export { safeJoin } from "./paths.ts";

/**
 * SDK failures worded as aws-sdk-go-v2 words them, which is what upstream
 * prints: `operation error S3: ListObjectsV2, [exceeded maximum number of
 * attempts, N, ]https response error StatusCode: 403, RequestID: ..., HostID:
 * ..., api error AccessDenied: ...`. A failure before any answer names the
 * request as Go's http.Client does (`Get "URL": ...`) with Go's words for
 * the network error where net-error.ts knows them. Known secrets are blanked
 * from whatever the server or SDK said.
 */
import { goNetError, goUrlError } from "./net-error.ts";

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  errors?: unknown[];
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string; attempts?: number };
  $response?: { statusCode?: number };
  [REQUEST]?: SentRequest;
}

/** The parts of the SDK's HttpRequest that make its URL. */
interface SentRequest {
  method?: string;
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
  query?: Record<string, string | string[] | null | undefined>;
}

const REQUEST = Symbol("jetway.failedRequest");

/** Marks an error thrown while sending, before any answer, with the request that failed. */
export function noteFailedRequest(error: unknown, request: unknown): void {
  if (typeof error !== "object" || error === null || typeof request !== "object" || request === null || REQUEST in error) return;
  Object.defineProperty(error, REQUEST, { value: request, enumerable: false });
}

/** The query as the SDK sends it: keys sorted, values escaped. */
function queryString(query: SentRequest["query"]): string {
  const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const parts: string[] = [];
  for (const key of Object.keys(query ?? {}).sort()) {
    const value = query![key];
    if (value === undefined) continue;
    if (value === null) parts.push(escape(key));
    else for (const v of Array.isArray(value) ? value : [value]) parts.push(`${escape(key)}=${escape(v)}`);
  }
  return parts.join("&");
}

function requestUrl(r: SentRequest): string {
  const query = queryString(r.query);
  return `${r.protocol ?? "https:"}//${r.hostname ?? ""}${r.port ? `:${r.port}` : ""}${r.path ?? "/"}${query ? `?${query}` : ""}`;
}

function blank(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

/** The innermost useful words of a network error (an AggregateError has none of its own). */
function networkCause(e: SdkError): string {
  const request = e[REQUEST];
  if (request !== undefined) {
    const port = request.port ?? (request.protocol === "http:" ? 80 : 443);
    const cause = goNetError(e, { host: request.hostname ?? "", port }) ?? nodeWords(e);
    return goUrlError(request.method ?? "GET", requestUrl(request), cause);
  }
  return nodeWords(e);
}

function nodeWords(e: SdkError): string {
  if (e.message) return e.message;
  const inner = (e.errors ?? []).map((x) => (x instanceof Error ? x.message : String(x))).filter((m) => m !== "");
  return inner.length > 0 ? inner.join("; ") : (e.code ?? e.name ?? "request failed");
}

export function describeS3Error(error: unknown, service: string, operation: string, secrets: readonly string[] = []): string {
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as SdkError;
  const meta = e.$metadata ?? {};
  const status = meta.httpStatusCode ?? e.$response?.statusCode;
  const attempts = meta.attempts ?? 1;
  const retried = attempts > 1 ? `exceeded maximum number of attempts, ${attempts}, ` : "";
  let detail: string;
  if ((status === undefined || status === 0) && e.name === "CredentialsProviderError") {
    // Go resolves credentials while signing: "get identity: get credentials: ..."
    detail = `get identity: get credentials: failed to refresh cached credentials, ${e.message ?? ""}`;
  } else if (status === undefined || status === 0) {
    detail = `https response error StatusCode: 0, RequestID: , HostID: , request send failed, ${networkCause(e)}`;
  } else {
    const code = e.name && e.name !== "Error" && e.name !== "Unknown" && !/^\d+$/.test(e.name) ? e.name : statusCode(status);
    const said = e.message && e.message !== code && e.message !== "UnknownError" ? e.message : "";
    const modeled = MODELED[operation]?.includes(code) ?? false;
    // modeled errors print as "Code: message"; the rest as smithy's generic "api error Code: message"
    const error = modeled ? `${code}: ${said || (code === "NotFound" ? "Not Found" : "")}` : `api error ${code}: ${said || (operation === "HeadObject" ? statusText(status) : "UnknownError")}`;
    detail = `https response error StatusCode: ${status}, RequestID: ${meta.requestId ?? ""}, HostID: ${meta.extendedRequestId ?? ""}, ${error}`;
  }
  return blank(`operation error ${service}: ${operation}, ${retried}${detail}`, secrets).replace(/\s*\r?\n\s*/g, " ");
}

/** The errors each operation models; the others are generic API errors. */
const MODELED: Record<string, readonly string[]> = {
  ListObjectsV2: ["NoSuchBucket"],
  HeadObject: ["NotFound"],
  GetObject: ["InvalidObjectState", "NoSuchKey"],
  PutObject: ["EncryptionTypeMismatch", "InvalidRequest", "InvalidWriteOffset", "TooManyParts"],
};

const STATUS_TEXT: Record<number, string> = {
  301: "Moved Permanently",
  307: "Temporary Redirect",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? "UnknownError";
}

/** A body-less answer (HEAD) has only its status: Go names the error after the status text. */
function statusCode(status: number): string {
  return STATUS_TEXT[status]?.replace(/ /g, "") ?? "UnknownError";
}

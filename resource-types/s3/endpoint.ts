import type { S3Source } from "./decode.ts";
import { fatal } from "./errors.ts";

// apart from client.ts so that `jetway validate` checks an endpoint without loading the AWS SDK

/** url.Parse's view of whether the endpoint names a scheme (Go's getScheme). */
function goScheme(raw: string): { scheme: string } | { error: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) return { error: `parse ${JSON.stringify(raw)}: missing protocol scheme` };
      return { scheme: raw.slice(0, i) };
    }
    break;
  }
  // no scheme: Go refuses a colon in the first path segment ("127.0.0.1:7480")
  const firstSegment = raw.split("/")[0] ?? "";
  if (firstSegment.includes(":")) return { error: `parse ${JSON.stringify(raw)}: first path segment in URL cannot contain colon` };
  return { scheme: "" };
}

/** The endpoint as upstream hands it to the SDK: a bare host gets https:// (http:// with disable_ssl). */
export function endpointUrl(source: S3Source): string | undefined {
  if (source.endpoint === "") return undefined;
  const parsed = goScheme(source.endpoint);
  if ("error" in parsed) throw fatal("INVALID_CONFIG", "error creating s3 client", `error parsing given endpoint: ${parsed.error}`);
  const endpoint = parsed.scheme === "" ? (source.disableSsl ? "http://" : "https://") + source.endpoint : source.endpoint;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw fatal("INVALID_CONFIG", "error creating s3 client", `endpoint ${JSON.stringify(endpoint)} is not an http or https URL`);
  }
  return endpoint;
}

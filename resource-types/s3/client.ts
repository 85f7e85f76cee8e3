import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { X509Certificate } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { operationCredentialChain, type OperationEnv } from "./credential-chain.ts";
import type { S3Source } from "./decode.ts";
import { fatal } from "./errors.ts";
import { noteSocketAddresses } from "./net-error.ts";
import { describeS3Error, noteFailedRequest } from "./s3-error.ts";

/**
 * One configured client per operation, built as upstream's NewAwsConfig and
 * NewS3Client build theirs: anonymous unless told otherwise, static keys when
 * both are given, the SDK's default chain for enable_aws_creds_provider, an
 * assumed role on top of either, us-east-1 by default, and the endpoint
 * options applied only when an endpoint is set.
 */
export interface S3Access {
  client: S3Client;
  bucket: string;
  region: string;
  /** the endpoint with its scheme, as the client uses it; undefined for AWS */
  endpoint: string | undefined;
  /** values never to print */
  secrets: string[];
}

/**
 * Transient failures (5xx, throttling, connection resets and refusals) are
 * retried with the SDK's standard strategy: exponential backoff with jitter,
 * this many attempts in all. Upstream allows 12 (minutes of backoff); a check
 * that cannot reach its bucket should say so sooner.
 */
export const MAX_ATTEMPTS = 5;

const ANONYMOUS: AwsCredentialIdentity = { accessKeyId: "", secretAccessKey: "" };

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

/** ca_bundle: trusted in addition to the system roots; unparseable PEM is ignored, as upstream ignores it. */
function extraCertificates(bundle: string): string[] {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.filter((pem) => {
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  });
}

/** Every socket the agent opens remembers its addresses, for Go's wording of a reset (net-error.ts). */
function noting<A extends HttpAgent>(agent: A): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    noteSocketAddresses(socket, Number(options.port));
    return socket;
  };
  return agent;
}

function requestHandler(source: S3Source): NodeHttpHandler {
  const extra = source.caBundle === "" ? [] : extraCertificates(source.caBundle);
  const httpsAgent = new HttpsAgent({
    keepAlive: true,
    ...(source.skipSslVerification && { rejectUnauthorized: false }),
    ...(extra.length > 0 && { ca: [...rootCertificates, ...extra] }),
  });
  return new NodeHttpHandler({ httpAgent: noting(new HttpAgent({ keepAlive: true })), httpsAgent: noting(httpsAgent), connectionTimeout: 30_000 });
}

async function credentials(source: S3Source, region: string, env: OperationEnv): Promise<AwsCredentialIdentity | AwsCredentialIdentityProvider> {
  let base: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  if (source.accessKeyId !== "" && source.secretAccessKey !== "") {
    base = {
      accessKeyId: source.accessKeyId,
      secretAccessKey: source.secretAccessKey,
      ...(source.sessionToken !== "" && { sessionToken: source.sessionToken }),
    };
  } else if (source.awsRoleArn !== "" || source.useAwsCredsProvider) {
    base = await operationCredentialChain(env, region);
  }
  if (source.awsRoleArn === "") return base ?? ANONYMOUS;
  // loaded only when asked for: most sources use static keys or none, and start-up pays for every module
  const providers = await import("@aws-sdk/credential-providers");
  const assumed = providers.fromTemporaryCredentials({
    ...(base !== undefined && { masterCredentials: base }),
    params: { RoleArn: source.awsRoleArn, RoleSessionName: `jetway-${Date.now()}` },
    clientConfig: { region },
  });
  try {
    // upstream assumes the role while building its config, before any S3 request
    return await assumed();
  } catch (e) {
    throw fatal("OPERATION_FAILED", "error creating aws config", `error assuming role: ${describeS3Error(e, "STS", "AssumeRole", [source.secretAccessKey, source.sessionToken])}`, e);
  }
}

/** `env` is the operation's environment (ctx.env): the only one enable_aws_creds_provider reads. */
export async function createS3(source: S3Source, env: OperationEnv): Promise<S3Access> {
  const region = source.regionName === "" ? "us-east-1" : source.regionName;
  const endpoint = endpointUrl(source);
  const creds = await credentials(source, region, env);
  const anonymous = creds === ANONYMOUS;
  const client = new S3Client({
    region,
    credentials: creds,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: requestHandler(source),
    ...(endpoint !== undefined && {
      endpoint,
      forcePathStyle: source.usePathStyle,
      // S3-compatible servers mishandle the aws-chunked trailers sent by default
      requestChecksumCalculation: source.checksumAlgorithm !== "" ? "WHEN_SUPPORTED" : "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
  });
  // innermost, around the send itself: a failure here happened before any answer, and Go names the request
  client.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (e) {
        noteFailedRequest(e, (args as { request?: unknown }).request);
        throw e;
      }
    }) as never,
    { step: "deserialize", priority: "low", name: "jetwayFailedRequest", override: true } as never,
  );
  if (anonymous) {
    // no signature at all: the request goes out as an unauthenticated one
    client.middlewareStack.addRelativeTo(
      ((next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        const request = (args as { request?: { headers?: Record<string, string> } }).request;
        if (request?.headers) {
          for (const h of Object.keys(request.headers)) {
            if (/^(authorization|x-amz-date|x-amz-security-token|x-amz-content-sha256)$/i.test(h)) delete request.headers[h];
          }
        }
        return next(args);
      }) as never,
      { relation: "after", toMiddleware: "httpSigningMiddleware", name: "jetwayAnonymous", override: true } as never,
    );
  }
  return {
    client,
    bucket: source.bucket,
    region,
    endpoint,
    secrets: [source.secretAccessKey, source.sessionToken].filter((s) => s !== ""),
  };
}

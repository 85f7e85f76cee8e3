import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { X509Certificate } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from "@smithy/types";
import { environmentEndpoint, operationCredentialChain, type OperationEnv } from "./credential-chain.ts";
import type { S3Source } from "./decode.ts";
import { endpointUrl } from "./endpoint.ts";
import { fatal } from "./errors.ts";
import { noteSocketAddresses } from "./net-error.ts";
import { describeS3Error, noteFailedRequest } from "./s3-error.ts";
import { credentialProviders } from "./optional-sdk.ts";

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

/** Innermost, around the send itself: a failure there happened before any answer, and Go names the request. */
function failedRequestPlugin<Input extends object, Output extends object>(): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (e) {
            noteFailedRequest(e, args.request);
            throw e;
          }
        },
        { step: "deserialize", priority: "low", name: "jetwayFailedRequest", override: true },
      );
    },
  };
}

async function credentials(source: S3Source, region: string, env: OperationEnv, handler: NodeHttpHandler): Promise<AwsCredentialIdentity | AwsCredentialIdentityProvider> {
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
  const providers = await credentialProviders();
  const stsEndpoint = environmentEndpoint(env, "STS");
  const assumed = providers.fromTemporaryCredentials({
    ...(base !== undefined && { masterCredentials: base }),
    params: { RoleArn: source.awsRoleArn, RoleSessionName: `jetway-${Date.now()}` },
    clientPlugins: [failedRequestPlugin()],
    // upstream's STS client is built from the same config as its S3 client: the TLS
    // options and retries apply to it too; its endpoint is AWS's unless the step's
    // environment names one (never this process's: in-process that is the runner's)
    clientConfig: {
      region,
      requestHandler: handler,
      maxAttempts: MAX_ATTEMPTS,
      retryMode: "standard",
      ...(stsEndpoint !== undefined ? { endpoint: stsEndpoint } : { ignoreConfiguredEndpointUrls: true }),
    },
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
  const handler = requestHandler(source);
  const creds = await credentials(source, region, env, handler);
  const anonymous = creds === ANONYMOUS;
  // without a source endpoint, AWS's unless the step's environment names one (as for STS)
  const envEndpoint = endpoint === undefined ? environmentEndpoint(env, "S3") : undefined;
  const client = new S3Client({
    region,
    credentials: creds,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: handler,
    ...(endpoint === undefined && (envEndpoint !== undefined ? { endpoint: envEndpoint } : { ignoreConfiguredEndpointUrls: true })),
    ...(endpoint !== undefined && {
      endpoint,
      forcePathStyle: source.usePathStyle,
      // S3-compatible servers mishandle the aws-chunked trailers sent by default
      requestChecksumCalculation: source.checksumAlgorithm !== "" ? "WHEN_SUPPORTED" : "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
  });
  client.middlewareStack.use(failedRequestPlugin());
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

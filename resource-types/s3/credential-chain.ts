/**
 * enable_aws_creds_provider: the AWS default credential chain, read from the
 * operation's environment rather than this process's. Upstream runs in its
 * own container, so its chain sees exactly the environment Concourse gave the
 * step; in-process we are one of many operations in a long-lived process, and
 * process.env is neither that environment nor ours to change.
 *
 * The links, in aws-sdk-go-v2's order (config.resolveCredentialChain):
 * 1. static keys: AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY), AWS_SECRET_ACCESS_KEY
 *    (or AWS_SECRET_KEY), AWS_SESSION_TOKEN;
 * 2. a web identity: AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN;
 * 3. the shared files' profile: AWS_PROFILE (else AWS_DEFAULT_PROFILE, else
 *    `default`) in AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE (else
 *    ~/.aws/credentials and ~/.aws/config under the operation's HOME);
 * 4. a container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI;
 * 5. the instance metadata service, unless AWS_EC2_METADATA_DISABLED=true.
 * The SDK's providers do the work; every value they would read from
 * process.env is handed to them from the operation's environment instead.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { credentialProviders } from "./optional-sdk.ts";

export type OperationEnv = Readonly<Record<string, string | undefined>>;

/** The first of the names set to a non-empty value (Go's setStringFromEnvVal). */
function firstSet(env: OperationEnv, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

/** Keys in the environment, as Go's EnvConfig reads them; undefined unless both halves are set. */
export function environmentKeys(env: OperationEnv): AwsCredentialIdentity | undefined {
  const accessKeyId = firstSet(env, "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY");
  const secretAccessKey = firstSet(env, "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY");
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = firstSet(env, "AWS_SESSION_TOKEN");
  const accountId = firstSet(env, "AWS_ACCOUNT_ID");
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }), ...(accountId && { accountId }) };
}

/** What aws-sdk-go-v2 says when the chain ends at a disabled metadata service. */
export const IMDS_DISABLED = 'no EC2 IMDS role found, operation error ec2imds: GetMetadata, access disabled to EC2 IMDS via client option, or "AWS_EC2_METADATA_DISABLED" environment variable';

export async function operationCredentialChain(env: OperationEnv, region: string): Promise<AwsCredentialIdentityProvider> {
  const keys = environmentKeys(env);
  if (keys !== undefined) return async () => keys;
  const providers = await credentialProviders();
  const clientConfig = { region };
  const links: AwsCredentialIdentityProvider[] = [];

  const tokenFile = firstSet(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (tokenFile !== undefined) {
    const roleSessionName = firstSet(env, "AWS_ROLE_SESSION_NAME");
    links.push(providers.fromTokenFile({ webIdentityTokenFile: tokenFile, roleArn: env.AWS_ROLE_ARN ?? "", ...(roleSessionName && { roleSessionName }), clientConfig }));
  }

  const home = firstSet(env, "HOME") ?? homedir();
  links.push(
    providers.fromIni({
      profile: firstSet(env, "AWS_PROFILE", "AWS_DEFAULT_PROFILE") ?? "default",
      filepath: firstSet(env, "AWS_SHARED_CREDENTIALS_FILE") ?? join(home, ".aws", "credentials"),
      configFilepath: firstSet(env, "AWS_CONFIG_FILE") ?? join(home, ".aws", "config"),
      clientConfig,
    }),
  );

  const relative = firstSet(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const full = firstSet(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (relative !== undefined || full !== undefined) {
    // "" rather than undefined: the provider falls back to process.env for undefined
    links.push(
      providers.fromHttp({
        awsContainerCredentialsRelativeUri: relative ?? "",
        awsContainerCredentialsFullUri: full ?? "",
        awsContainerAuthorizationToken: env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? "",
        awsContainerAuthorizationTokenFile: env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ?? "",
      }),
    );
  } else if ((env.AWS_EC2_METADATA_DISABLED ?? "").toLowerCase() === "true") {
    links.push(async () => {
      throw Object.assign(new Error(IMDS_DISABLED), { name: "CredentialsProviderError", tryNextLink: false });
    });
  } else {
    links.push(providers.fromInstanceMetadata());
  }
  return providers.createCredentialChain(...links);
}

/**
 * A service's endpoint as aws-sdk-go-v2 takes it from the environment:
 * AWS_ENDPOINT_URL_<SERVICE ID> (STS: AWS_ENDPOINT_URL_STS), else AWS_ENDPOINT_URL,
 * neither when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. Read from the
 * operation's env: the JS SDK would read process.env, which in-process is the
 * runner's, not the step's.
 */
export function environmentEndpoint(env: OperationEnv, serviceId: string): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? "").toLowerCase() === "true") return undefined;
  return firstSet(env, `AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/ /g, "_")}`, "AWS_ENDPOINT_URL");
}

/**
 * The AWS SDK packages only some requests need, loaded on first use: most
 * sources use static keys or none, are not private and upload small files,
 * and every module loaded is start-up paid by every check.
 *
 * They are CommonJS. Node's import() of one gives its exports as named
 * exports (and `default`); esbuild's code-split ESM output (the CLI) gives
 * `default` alone. Both forms are read here.
 */
type Presigner = typeof import("@aws-sdk/s3-request-presigner");
type CredentialProviders = typeof import("@aws-sdk/credential-providers");
type LibStorage = typeof import("@aws-sdk/lib-storage");

function exportsOf<T extends object>(namespace: T): T {
  const keys = Object.keys(namespace);
  const only = (namespace as { default?: unknown }).default;
  return keys.length === 1 && keys[0] === "default" && typeof only === "object" && only !== null ? (only as T) : namespace;
}

export async function presigner(): Promise<Presigner> {
  return exportsOf(await import("@aws-sdk/s3-request-presigner"));
}

export async function credentialProviders(): Promise<CredentialProviders> {
  return exportsOf(await import("@aws-sdk/credential-providers"));
}

export async function libStorage(): Promise<LibStorage> {
  return exportsOf(await import("@aws-sdk/lib-storage"));
}

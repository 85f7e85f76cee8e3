import type { OperationContext } from "../../src/protocol/types.ts";
import type { GitSource } from "./schema.ts";
import type { RemoteOptions } from "./transport/index.ts";

/** jq -r prints numbers and true as text, so the scripts see them as strings. */
function text(v: unknown): string | undefined {
  return v === undefined || v === null || v === false || v === "" ? undefined : String(v);
}

/** The transport options a request's source carries, plus the operation's env and abort signal. */
export function remoteOptions(source: GitSource, ctx: OperationContext): RemoteOptions {
  const o: RemoteOptions = { env: ctx.env, signal: ctx.signal };
  const username = text(source.username);
  const password = text(source.password);
  const privateKey = text(source.private_key);
  const passphrase = text(source.private_key_passphrase);
  const keyUser = text(source.private_key_user);
  if (username) o.username = username;
  if (password) o.password = password;
  if (privateKey) o.private_key = privateKey;
  if (passphrase) o.private_key_passphrase = passphrase;
  if (keyUser) o.private_key_user = keyUser;
  if (String(source.skip_ssl_verification) === "true") o.skip_ssl_verification = true;
  return o;
}

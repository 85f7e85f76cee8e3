/**
 * Validates private_key (PEM or OpenSSH) up front, so a wrong or missing
 * passphrase gets upstream's wording instead of a handshake failure. The key
 * stays in memory: ssh2 takes it as a buffer, nothing is written to disk.
 */
import ssh2 from "ssh2";
import { JetwayError } from "../../../src/protocol/errors.ts";

/** Upstream's askpass.sh message, verbatim. */
export const MISSING_PASSPHRASE = "Private key has a passphrase but private_key_passphrase has not been set.";

export interface SshKey {
  privateKey: Buffer;
  passphrase?: string;
}

export function loadPrivateKey(privateKey: string, passphrase: string | undefined): SshKey {
  // Concourse users paste keys with CRLF or stray indentation; ssh-add accepts those
  const text = privateKey.replace(/\r\n/g, "\n").replace(/^[ \t]+/gm, "").trim() + "\n";
  const data = Buffer.from(text, "utf8");
  const pass = passphrase === undefined || passphrase === "" ? undefined : passphrase;
  const parsed = ssh2.utils.parseKey(data, pass);
  if (parsed instanceof Error) {
    // ssh2's messages name the problem, never the key material
    if (/no passphrase given/i.test(parsed.message)) throw new JetwayError("INVALID_CONFIG", MISSING_PASSPHRASE);
    if (/passphrase|decrypt|integrity/i.test(parsed.message)) {
      throw new JetwayError("INVALID_CONFIG", "private_key could not be decrypted: private_key_passphrase is wrong");
    }
    throw new JetwayError("INVALID_CONFIG", `private_key is not a usable private key (${parsed.message})`);
  }
  return pass === undefined ? { privateKey: data } : { privateKey: data, passphrase: pass };
}

/**
 * A last line of defence: whatever a type or a library puts in an error or a
 * log line, values of secret-looking keys in the request never reach stderr.
 */

const SECRET_KEY = /(private_key|password|passphrase|secret|token|credential)/i;

/** Collects the string values stored under secret-looking keys, at any depth. */
export function collectSecrets(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) collectSecrets(v, found);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k) && typeof v === "string" && v.length >= 4) {
        found.add(v);
        // multi-line keys are also caught line by line, in case a message quotes one line
        for (const line of v.split(/\r?\n/)) if (line.trim().length >= 8) found.add(line.trim());
      } else {
        collectSecrets(v, found);
      }
    }
  }
  return found;
}

export function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  // longest first, so a secret containing another is replaced whole
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join("[redacted]");
  }
  return out;
}

/**
 * Secrets out of build logs. Output arrives in chunks that may cut a secret
 * anywhere, so a StreamRedactor holds back the end of a chunk while it could
 * still be the start of a secret, and lets it go once the next chunk (or the
 * end of the stream) settles the question.
 */
import type { Vars } from "../../pipeline/vars.ts";
import { collectSecrets } from "../../protocol/secrets.ts";

export const REDACTED = "[redacted]";

/** Var names that say their value is secret. */
const SECRET_NAME = /(password|passphrase|secret|token|key|credential)/i;

/** Values shorter than this are not redacted: a 2-character "secret" would blank out ordinary text. */
const MIN_SECRET_LENGTH = 4;

/**
 * The values to keep out of logs: every var given on the command line or in
 * a vars file whose name (or a field's name) looks secret, and every value the
 * pipeline keeps under a secret-looking key.
 */
export function secretValues(vars: Vars, pipeline: unknown): Set<string> {
  const found = collectSecrets(pipeline);
  for (const { name, value } of vars.leaves()) {
    if (!SECRET_NAME.test(name) || value === null || value === undefined) continue;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (text.length >= MIN_SECRET_LENGTH) found.add(text);
    // a multi-line secret (a key file) may be echoed line by line
    for (const line of text.split(/\r?\n/)) if (line.trim().length >= 8) found.add(line.trim());
  }
  return found;
}

export class StreamRedactor {
  readonly #secrets: string[];
  #carry = "";

  constructor(secrets: Iterable<string>) {
    // longest first: a secret that contains another is replaced whole
    this.#secrets = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  }

  /** Redacts what can be decided now; keeps back a tail that may be the start of a secret. */
  push(chunk: string): string {
    if (this.#secrets.length === 0) return chunk;
    const text = this.#carry + chunk;
    const { out, rest } = this.#scan(text, false);
    this.#carry = rest;
    return out;
  }

  /** The end of the stream: whatever was held back, redacted. */
  flush(): string {
    const { out } = this.#scan(this.#carry, true);
    this.#carry = "";
    return out;
  }

  #scan(text: string, final: boolean): { out: string; rest: string } {
    let out = "";
    let at = 0;
    for (;;) {
      const match = this.#firstMatch(text, at);
      // a secret cut off by the end of the text, starting before the next full match, holds everything from its start
      const partial = final ? -1 : this.#firstPartial(text, at, match?.index ?? text.length);
      if (partial !== -1) return { out: out + text.slice(at, partial), rest: text.slice(partial) };
      if (match === undefined) return { out: out + text.slice(at), rest: "" };
      out += text.slice(at, match.index) + REDACTED;
      at = match.index + match.length;
    }
  }

  /** The leftmost full occurrence of any secret from `from` (the longest at a tie). */
  #firstMatch(text: string, from: number): { index: number; length: number } | undefined {
    let best: { index: number; length: number } | undefined;
    for (const s of this.#secrets) {
      const index = text.indexOf(s, from);
      if (index !== -1 && (best === undefined || index < best.index)) best = { index, length: s.length };
    }
    return best;
  }

  /** The first position in [from, before) where the rest of the text is a proper prefix of a secret; -1 if none. */
  #firstPartial(text: string, from: number, before: number): number {
    const longest = this.#secrets[0]!.length;
    for (let i = Math.max(from, text.length - longest + 1); i < Math.min(before, text.length); i++) {
      const tail = text.slice(i);
      if (this.#secrets.some((s) => s.length > tail.length && s.startsWith(tail))) return i;
    }
    return -1;
  }
}

/**
 * Whether the resource runs privileged, decided as upstream decides it: some
 * line of /proc/self/uid_map maps inner uid 0 to outer uid 0 (reference §4).
 */
import { readFile } from "node:fs/promises";
import { mockError } from "./log.ts";
import { goPathError } from "./os-error.ts";

export const UID_MAP = "/proc/self/uid_map";

export class PrivilegeCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrivilegeCheckError";
  }
}

export async function isPrivileged(path: string = UID_MAP): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new PrivilegeCheckError(goPathError(e, "open", path));
  }
  return uidMapIsPrivileged(text);
}

const INT64_MAX = (1n << 63n) - 1n;
const SPACE = /^[ \t\r\v\f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

/**
 * Reads the map the way upstream's loop of fmt.Fscanf("%d %d %d") does, so
 * malformed content fails with the same words: each call takes three integers
 * from the current line, and the character after the third (the newline) is
 * swallowed. End of input ends the loop without error.
 */
export function uidMapIsPrivileged(text: string): boolean {
  const runes = [...text];
  let i = 0;
  const fail = (message: string): never => {
    throw new PrivilegeCheckError(message);
  };
  for (;;) {
    const numbers: bigint[] = [];
    for (let k = 0; k < 3; k++) {
      if (k > 0) {
        // a space in the format needs at least one space in the input, not a newline
        const c = runes[i];
        if (c === undefined) return false;
        if (c !== "\n" && !SPACE.test(c)) fail("expected space in input to match format");
        while (runes[i] !== undefined && SPACE.test(runes[i]!)) i++;
        if (runes[i] === "\n") fail("newline in input does not match format");
      }
      while (runes[i] !== undefined && SPACE.test(runes[i]!)) i++;
      if (runes[i] === undefined) return false;
      if (runes[i] === "\n") fail("unexpected newline");
      let token = "";
      if (runes[i] === "+" || runes[i] === "-") token += runes[i++];
      if (runes[i] === undefined) return false;
      while (runes[i] !== undefined && /[0-9]/.test(runes[i]!)) token += runes[i++];
      if (!/[0-9]/.test(token)) fail("expected integer");
      const n = BigInt(token);
      if (n > INT64_MAX || n < -INT64_MAX - 1n) fail(`strconv.ParseInt: parsing ${JSON.stringify(token)}: value out of range`);
      numbers.push(n);
    }
    if (runes[i] !== undefined) i++; // peeked by the scanner and lost with it
    if (numbers[0] === 0n && numbers[1] === 0n) return true;
  }
}

/** isPrivileged, failing the action as upstream does when the map cannot be read. */
export async function requirePrivilegeAnswer(path: string = UID_MAP): Promise<boolean> {
  try {
    return await isPrivileged(path);
  } catch (e) {
    if (e instanceof PrivilegeCheckError) throw mockError("OPERATION_FAILED", `could not check privilege: ${e.message}`, e);
    throw e;
  }
}

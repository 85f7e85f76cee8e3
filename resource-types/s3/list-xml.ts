/**
 * A ListObjectsV2 answer read straight from its bytes, keeping only what a
 * walk needs: the keys, the common prefixes, whether it is truncated and the
 * continuation token. The SDK's reader builds a tree of every element and
 * then an object per key (dates, sizes, owners) for 1,000 keys a page; on a
 * large bucket that garbage, not the keys, decided the process's memory.
 *
 * Text is read as Go's encoding/xml reads it (upstream's SDK decodes with
 * it): the five predefined entities and character references are decoded,
 * CDATA is taken as it is, and line ends in raw text become "\n". Element
 * names match without their namespace prefix. Anything unexpected (no
 * ListBucketResult root, a tag left open) returns null, and the caller hands
 * the bytes to the SDK, whose errors are then the ones reported.
 */

export interface ListPage {
  keys: string[];
  prefixes: string[];
  isTruncated: boolean;
  nextContinuationToken: string | undefined;
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const AMP = 0x26; // &
const CR = 0x0d;

/** The elements that matter, numbered; every other element is 0. */
const NAMES = ["ListBucketResult", "Contents", "Key", "CommonPrefixes", "Prefix", "IsTruncated", "NextContinuationToken"].map((n) => Buffer.from(n, "latin1"));
const ROOT = 1;
const CONTENTS = 2;
const KEY = 3;
const COMMON_PREFIXES = 4;
const PREFIX = 5;
const IS_TRUNCATED = 6;
const NEXT_TOKEN = 7;

const CDATA_OPEN = Buffer.from("<![CDATA[", "latin1");
const CDATA_CLOSE = Buffer.from("]]>", "latin1");
const COMMENT_CLOSE = Buffer.from("-->", "latin1");
const PI_CLOSE = Buffer.from("?>", "latin1");

function isNameEnd(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === CR || b === 0x2f || b === GT;
}

/** The element's number from its name at body[start..], after any `prefix:`. */
function nameId(body: Buffer, start: number, end: number): number {
  let s = start;
  for (let i = start; i < end; i++) if (body[i] === 0x3a) s = i + 1;
  const len = end - s;
  for (let id = 0; id < NAMES.length; id++) {
    const n = NAMES[id]!;
    if (n.length === len && body.compare(n, 0, len, s, end) === 0) return id + 1;
  }
  return 0;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", apos: "'", quot: '"' };

/** Raw character data as encoding/xml hands it over: line ends normalised, references decoded. */
function rawText(body: Buffer, start: number, end: number): string {
  const text = body.toString("utf8", start, end);
  let plain = true;
  for (let i = start; i < end && plain; i++) plain = body[i] !== AMP && body[i] !== CR;
  if (plain) return text;
  return text.replace(/\r\n?/g, "\n").replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** Which element's text is wanted at this depth, given its parent. */
function wanted(depth: number, parent: number, id: number): boolean {
  if (depth === 2) return parent === ROOT && (id === IS_TRUNCATED || id === NEXT_TOKEN);
  if (depth === 3) return (parent === CONTENTS && id === KEY) || (parent === COMMON_PREFIXES && id === PREFIX);
  return false;
}

/** strconv.ParseBool's true values, after the whitespace Go's SDK trims. */
function goTrue(text: string): boolean {
  return ["1", "t", "T", "TRUE", "true", "True"].includes(text.trim());
}

export function readListBucketResult(body: Buffer): ListPage | null {
  try {
    return scan(body);
  } catch {
    // a character reference outside Unicode: the SDK's reader words the failure
    return null;
  }
}

function scan(body: Buffer): ListPage | null {
  const page: ListPage = { keys: [], prefixes: [], isTruncated: false, nextContinuationToken: undefined };
  const stack: number[] = [];
  let capture = 0; // the wanted element being read, or 0
  let captureDepth = 0;
  let pieces: string[] = [];
  let textStart = 0;
  let i = 0;
  let sawRoot = false;
  const finish = (id: number, text: string) => {
    if (id === KEY) page.keys.push(text);
    else if (id === PREFIX) page.prefixes.push(text);
    else if (id === IS_TRUNCATED) page.isTruncated = goTrue(text);
    else if (id === NEXT_TOKEN) page.nextContinuationToken = text;
  };
  for (;;) {
    const lt = body.indexOf(LT, i);
    if (lt === -1) break;
    if (capture !== 0 && lt > textStart) pieces.push(rawText(body, textStart, lt));
    const next = body[lt + 1];
    if (next === 0x3f) {
      // <?xml ...?>
      const end = body.indexOf(PI_CLOSE, lt + 2);
      if (end === -1) return null;
      i = textStart = end + 2;
      continue;
    }
    if (next === 0x21) {
      if (body.compare(CDATA_OPEN, 0, CDATA_OPEN.length, lt, lt + CDATA_OPEN.length) === 0) {
        const end = body.indexOf(CDATA_CLOSE, lt + CDATA_OPEN.length);
        if (end === -1) return null;
        if (capture !== 0) pieces.push(body.toString("utf8", lt + CDATA_OPEN.length, end));
        i = textStart = end + CDATA_CLOSE.length;
        continue;
      }
      const comment = body[lt + 2] === 0x2d && body[lt + 3] === 0x2d;
      const end = comment ? body.indexOf(COMMENT_CLOSE, lt + 4) : body.indexOf(GT, lt + 2);
      if (end === -1) return null;
      i = textStart = end + (comment ? COMMENT_CLOSE.length : 1);
      continue;
    }
    const gt = body.indexOf(GT, lt + 1);
    if (gt === -1) return null;
    if (next === 0x2f) {
      // </name>
      const id = stack.pop();
      if (id === undefined) return null;
      if (capture !== 0 && stack.length + 1 === captureDepth) {
        finish(capture, pieces.length === 1 ? pieces[0]! : pieces.join(""));
        capture = 0;
        pieces = [];
      }
      i = textStart = gt + 1;
      continue;
    }
    let nameEnd = lt + 1;
    while (nameEnd < gt && !isNameEnd(body[nameEnd]!)) nameEnd++;
    const id = nameId(body, lt + 1, nameEnd);
    if (stack.length === 0) {
      if (sawRoot || id !== ROOT) return null;
      sawRoot = true;
    }
    const selfClosing = body[gt - 1] === 0x2f;
    const depth = stack.length + 1;
    if (wanted(depth, stack[stack.length - 1] ?? 0, id)) {
      if (selfClosing) finish(id, "");
      else {
        capture = id;
        captureDepth = depth;
        pieces = [];
      }
    }
    if (!selfClosing) stack.push(id);
    i = textStart = gt + 1;
  }
  return sawRoot && stack.length === 0 ? page : null;
}

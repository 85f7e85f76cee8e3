/**
 * Commit and tag objects parsed from their raw bytes, as git itself reads
 * them: the message is everything after the first blank line, byte for byte,
 * and an identity keeps its timezone as written ("+0530"), which %ai and %ci
 * print back.
 */

export interface Ident {
  name: string;
  email: string;
  /** seconds since the epoch */
  timestamp: number;
  /** the offset as stored, e.g. "+0530" or "-0800" */
  tz: string;
}

export interface CommitObject {
  tree: string;
  parents: string[];
  author: Ident;
  committer: Ident;
  /** the raw message (%B): subject, body, trailing newline */
  message: string;
}

export interface TagObject {
  object: string;
  type: string;
  tag: string;
  tagger?: Ident;
  message: string;
}

const EMPTY_IDENT: Ident = { name: "", email: "", timestamp: 0, tz: "+0000" };

/** Splits "headers\n\nmessage", folding continuation lines (gpgsig) into their header. */
function split(raw: Uint8Array): { headers: [string, string][]; message: string } {
  const text = Buffer.from(raw).toString("utf8");
  const end = text.indexOf("\n\n");
  const head = end < 0 ? text : text.slice(0, end);
  const message = end < 0 ? "" : text.slice(end + 2);
  const headers: [string, string][] = [];
  for (const line of head.split("\n")) {
    if (line.startsWith(" ") && headers.length > 0) headers[headers.length - 1]![1] += "\n" + line.slice(1);
    else {
      const sp = line.indexOf(" ");
      headers.push(sp < 0 ? [line, ""] : [line.slice(0, sp), line.slice(sp + 1)]);
    }
  }
  return { headers, message };
}

/** "Name <email> 1614814567 +0530", read the way git's split_ident_line does. */
export function parseIdent(value: string): Ident {
  const lt = value.indexOf("<");
  const gt = value.lastIndexOf(">");
  if (lt < 0 || gt < lt) return { ...EMPTY_IDENT, name: value.trim() };
  const name = value.slice(0, lt).trim();
  const email = value.slice(lt + 1, gt);
  const m = /^\s*(\d+)\s+([+-]\d{4})/.exec(value.slice(gt + 1));
  // git prints a date it cannot read as the epoch in +0000
  return m ? { name, email, timestamp: Number(m[1]), tz: m[2]! } : { name, email, timestamp: 0, tz: "+0000" };
}

export function parseCommit(raw: Uint8Array): CommitObject {
  const { headers, message } = split(raw);
  const get = (k: string) => headers.find(([h]) => h === k)?.[1];
  return {
    tree: get("tree") ?? "",
    parents: headers.filter(([h]) => h === "parent").map(([, v]) => v.trim()),
    author: parseIdent(get("author") ?? ""),
    committer: parseIdent(get("committer") ?? ""),
    message,
  };
}

export function parseTag(raw: Uint8Array): TagObject {
  const { headers, message } = split(raw);
  const get = (k: string) => headers.find(([h]) => h === k)?.[1];
  const tagger = get("tagger");
  return {
    object: get("object") ?? "",
    type: get("type") ?? "",
    tag: get("tag") ?? "",
    ...(tagger !== undefined && { tagger: parseIdent(tagger) }),
    message,
  };
}

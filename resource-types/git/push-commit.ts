/**
 * Writes commit and tag objects byte for byte as git lays them out, so that
 * identity lines keep the exact text they are given (a replayed commit keeps
 * its author's zone as stored) and ids match what git would compute.
 */
import fs from "node:fs";
import git from "isomorphic-git";

export interface NewCommit {
  tree: string;
  parents: readonly string[];
  /** full ident values, e.g. "Name <mail> 1700000000 +0000" */
  author: string;
  committer: string;
  /** headers to keep after committer (e.g. encoding), in order */
  extraHeaders?: ReadonlyArray<readonly [string, string]>;
  /** bytes are kept as they are (a message need not be UTF-8) */
  message: string | Uint8Array;
}

export function commitBytes(c: NewCommit): Buffer {
  const head = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${c.author}`, `committer ${c.committer}`];
  for (const [k, v] of c.extraHeaders ?? []) head.push(`${k} ${v.replace(/\n/g, "\n ")}`);
  const message = typeof c.message === "string" ? Buffer.from(c.message, "utf8") : c.message;
  return Buffer.concat([Buffer.from(`${head.join("\n")}\n\n`, "utf8"), message]);
}

export function writeCommit(gitdir: string, c: NewCommit): Promise<string> {
  return git.writeObject({ fs, gitdir, type: "commit", object: commitBytes(c), format: "content" });
}

export interface NewTag {
  object: string;
  type: string;
  tag: string;
  tagger: string;
  message: string;
}

export function writeTagObject(gitdir: string, t: NewTag): Promise<string> {
  const text = `object ${t.object}\ntype ${t.type}\ntag ${t.tag}\ntagger ${t.tagger}\n\n${t.message}`;
  return git.writeObject({ fs, gitdir, type: "tag", object: Buffer.from(text, "utf8"), format: "content" });
}

/** A raw commit's headers, in order (continuation lines folded back in), and its message bytes. */
export function splitRaw(raw: Uint8Array): { headers: Array<[string, string]>; message: Buffer } {
  const buf = Buffer.from(raw);
  const end = buf.indexOf("\n\n");
  const text = buf.subarray(0, end < 0 ? buf.length : end).toString("utf8");
  const message = end < 0 ? Buffer.alloc(0) : buf.subarray(end + 2);
  const out: Array<[string, string]> = [];
  for (const line of text.split("\n")) {
    if (line.startsWith(" ") && out.length > 0) out[out.length - 1]![1] += "\n" + line.slice(1);
    else {
      const sp = line.indexOf(" ");
      out.push(sp < 0 ? [line, ""] : [line.slice(0, sp), line.slice(sp + 1)]);
    }
  }
  return { headers: out, message };
}

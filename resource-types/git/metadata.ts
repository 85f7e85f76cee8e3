/**
 * Upstream's git_metadata (common.sh), in its order: commit, author,
 * author_date; committer and committer_date only when the author's name and
 * date equal the committer's (inverted-looking, but that is the script);
 * branch (local heads at the commit) and tags (pointing at it), each
 * comma-joined and left out when empty; the message cut to 10240 bytes; a
 * commit url for known hosts.
 */
import { uniqueAbbrev } from "./abbrev.ts";
import { commitUrl } from "./commit-url.ts";
import { isoDate } from "./git-date.ts";
import type { GitRepo } from "./repo.ts";

export interface GitMetadataField {
  name: string;
  value: string;
  type?: "time" | "message";
}

const MESSAGE_LIMIT = 10240;

export async function gitMetadata(repo: GitRepo, head: string, remoteUrl?: string): Promise<GitMetadataField[]> {
  const commit = await repo.readCommit(head);
  const out: GitMetadataField[] = [
    { name: "commit", value: head },
    { name: "author", value: commit.author.name },
    { name: "author_date", value: isoDate(commit.author), type: "time" },
  ];
  if (commit.author.name === commit.committer.name && isoDate(commit.author) === isoDate(commit.committer)) {
    out.push({ name: "committer", value: commit.committer.name }, { name: "committer_date", value: isoDate(commit.committer), type: "time" });
  }
  const branches = (await repo.listRefs("refs/heads")).filter((r) => r.oid === head).map((r) => r.name.slice("refs/heads/".length));
  if (branches.length > 0) out.push({ name: "branch", value: branches.join(",") });
  const tags = await tagsPointingAt(repo, head);
  if (tags.length > 0) out.push({ name: "tags", value: tags.join(",") });
  out.push({ name: "message", value: truncateBytes(commit.message, MESSAGE_LIMIT), type: "message" });
  const url = commitUrl(remoteUrl, head);
  if (url !== undefined) out.push({ name: "url", value: url });
  return out;
}

/** `git tag --points-at <commit>`: tags naming it directly or through tag objects, by refname. */
export async function tagsPointingAt(repo: GitRepo, commit: string): Promise<string[]> {
  const out: string[] = [];
  for (const ref of await repo.listRefs("refs/tags")) {
    const peeled = await repo.peel(ref.oid);
    if (ref.oid === commit || peeled?.oid === commit) out.push(ref.name.slice("refs/tags/".length));
  }
  return out;
}

/** `head -c N`, then read as text (a cut character becomes U+FFFD, as jq reads it). */
export function truncateBytes(s: string, limit: number): string {
  const bytes = Buffer.from(s, "utf8");
  return bytes.length <= limit ? s : bytes.subarray(0, limit).toString("utf8");
}

/** `git log -1 --oneline` (what `in` prints on stderr after checkout): abbreviated id and subject. */
export async function onelineSummary(repo: GitRepo, head: string): Promise<string> {
  const message = (await repo.readCommit(head)).message.replace(/^(\s*\n)+/, "");
  const subject: string[] = [];
  for (const line of message.split("\n")) {
    const trimmed = line.replace(/\s+$/, "");
    if (trimmed === "") break;
    subject.push(trimmed);
  }
  return `${await uniqueAbbrev(repo, head)} ${subject.join(" ")}`;
}

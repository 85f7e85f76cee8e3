/**
 * The files `in` leaves in `.git/` (reference §1 in), with upstream's exact
 * bytes: most are a value plus a newline, written by `echo` or `jq -r`;
 * committer (the author's email!), committer_name and short_ref have no
 * newline; branch, tags, url and committer_date are empty (0 bytes) when
 * their metadata entry is absent; commit_message is the raw message.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { describe, DescribeUnsupported } from "./describe.ts";
import { formatDate } from "./git-date.ts";
import { dumpPretty, type JqValue } from "./jq/value.ts";
import type { GitMetadataField } from "./metadata.ts";
import type { GitRepo } from "./repo.ts";
import { shortRef } from "./short-ref.ts";
import { unsupported } from "./unsupported.ts";

export interface InFilesOptions {
  /** the version ref returned (a tag name stays a tag name) */
  returnRef: string;
  shortRefFormat: string;
  timestampFormat: string;
  describeRefOptions: string;
  /** whether the work tree differs from HEAD (describe's --dirty) */
  dirty?: boolean;
  /** seconds since the epoch, for relative date formats */
  now: number;
}

export interface InFiles {
  /** file name under .git/ -> exact contents, in the order upstream writes them */
  files: Map<string, string>;
  /** what upstream's commands print on stderr on the way (describe's complaints) */
  stderr: string[];
}

/** The metadata array as upstream's `jq '.'` prints it into metadata.json. */
export function metadataJson(metadata: readonly GitMetadataField[]): string {
  const value: JqValue = metadata.map(
    (m) => new Map<string, JqValue>([["name", m.name], ["value", m.value], ...(m.type ? [["type", m.type] as [string, JqValue]] : [])]),
  );
  return dumpPretty(value) + "\n";
}

export async function inFiles(repo: GitRepo, head: string, metadata: readonly GitMetadataField[], o: InFilesOptions): Promise<InFiles> {
  const commit = await repo.readCommit(head);
  const entry = (name: string) => metadata.find((m) => m.name === name)?.value;
  const line = (name: string) => {
    const v = entry(name);
    return v === undefined ? "" : v + "\n";
  };
  const files = new Map<string, string>();
  files.set("committer", commit.author.email);
  files.set("committer_name", commit.author.name);
  files.set("ref", o.returnRef + "\n");
  files.set("metadata.json", metadataJson(metadata));
  files.set("short_ref", shortRef(o.returnRef, o.shortRefFormat));
  for (const name of ["commit", "author", "author_date", "branch", "tags", "url", "committer_date"]) files.set(name, line(name));
  files.set("commit_message", commit.message);
  files.set("commit_timestamp", commitTimestamp(commit.committer, o.timestampFormat, o.now) + "\n");

  const stderr: string[] = [];
  const words = o.describeRefOptions.split(/[ \t\n]+/).filter((w) => w !== "");
  let described;
  try {
    described = await describe(repo, words, o.dirty ?? false);
  } catch (e) {
    if (e instanceof DescribeUnsupported) throw unsupported("params.describe_ref_options --contains");
    throw e;
  }
  // `echo "$(git describe ...)"`: a failing describe still leaves its (empty) line
  stderr.push(...described.stderr);
  files.set("describe_ref", described.stdout + "\n");
  return { files, stderr };
}

/**
 * `git log -1 --format=%cd --date=${timestamp_format}`: the unquoted option
 * splits on whitespace, and any word after the first is taken for a revision.
 */
function commitTimestamp(committer: Parameters<typeof formatDate>[0], format: string, now: number): string {
  // "--date=" is glued to the first field, even an empty one (leading whitespace)
  const words = format.split(/[ \t\n]+/);
  if (words.length > 1 && words.at(-1) === "") words.pop();
  const date = formatDate(committer, words[0]!, now);
  if (words.length > 1) {
    const lines = [
      `fatal: ambiguous argument '${words[1]}': unknown revision or path not in the working tree.`,
      "Use '--' to separate paths from revisions, like this:",
      "'git <command> [<revision>...] -- [<file>...]'",
    ];
    throw new JetwayError("OPERATION_FAILED", lines[0]!, { exitCode: 128, stderr: lines.join("\n") + "\n" });
  }
  return date;
}

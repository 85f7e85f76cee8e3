/**
 * `git notes add -F <file>` for HEAD: a new commit on refs/notes/commits
 * whose tree maps the annotated commit's id to the cleaned message. An
 * existing note for the same commit is refused as git refuses it (no -f
 * upstream). A notes tree already split into fan-out directories ("ab/…")
 * gets the new note in the same layout.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { Logger } from "../../src/protocol/types.ts";
import { writeCommit } from "./push-commit.ts";
import { stripspace } from "./push-stripspace.ts";
import type { GitRepo, TreeEntry } from "./repo.ts";

export const NOTES_REF = "refs/notes/commits";
const NOTES_MESSAGE = "Notes added by 'git notes add'\n";

export interface NoteRequest {
  object: string;
  text: string;
  author: string;
  committer: string;
}

export async function addNote(repo: GitRepo, request: NoteRequest, logger: Logger): Promise<void> {
  const gitdir = repo.gitdir;
  const message = stripspace(request.text);
  const parent = await repo.resolveRef(NOTES_REF);
  const root: TreeEntry[] = parent ? await repo.readTree((await repo.readCommit(parent)).tree) : [];
  const fanout = root.find((e) => e.type === "tree" && /^[0-9a-f]{2}$/.test(e.path));
  const existing = root.some((e) => e.path === request.object) || (fanout !== undefined && (await hasFanoutNote(repo, root, request.object)));
  if (existing) {
    throw new JetwayError(
      "OPERATION_FAILED",
      `error: Cannot add notes. Found existing notes for object ${request.object}. Use '-f' to overwrite existing notes`,
    );
  }
  if (message === "") {
    logger.log(`Removing note for object ${request.object}`);
    return;
  }
  const blob = await git.writeBlob({ fs, gitdir, blob: Buffer.from(message, "utf8") });
  let tree: TreeEntry[];
  if (fanout) {
    const dir = request.object.slice(0, 2);
    const sub = root.find((e) => e.path === dir && e.type === "tree");
    const subEntries = sub ? await repo.readTree(sub.oid) : [];
    const subOid = await git.writeTree({
      fs,
      gitdir,
      tree: [...subEntries, { mode: "100644", path: request.object.slice(2), oid: blob, type: "blob" }],
    });
    tree = [...root.filter((e) => e.path !== dir), { mode: "040000", path: dir, oid: subOid, type: "tree" }];
  } else {
    tree = [...root, { mode: "100644", path: request.object, oid: blob, type: "blob" }];
  }
  const treeOid = await git.writeTree({ fs, gitdir, tree });
  const commit = await writeCommit(gitdir, {
    tree: treeOid,
    parents: parent ? [parent] : [],
    author: request.author,
    committer: request.committer,
    message: NOTES_MESSAGE,
  });
  await git.writeRef({ fs, gitdir, ref: NOTES_REF, value: commit, force: true });
}

async function hasFanoutNote(repo: GitRepo, root: TreeEntry[], object: string): Promise<boolean> {
  const sub = root.find((e) => e.path === object.slice(0, 2) && e.type === "tree");
  if (!sub) return false;
  return (await repo.readTree(sub.oid)).some((e) => e.path === object.slice(2));
}

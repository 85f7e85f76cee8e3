/**
 * The files a put reads from its source directory, checked in upstream's
 * order and words: the tag and annotation files (relative to the source
 * dir), then the repository (a directory with a .git), then the notes file
 * (`../<notes>` from inside the repository). Every path must stay inside the
 * source dir.
 */
import { readFile, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { JetwayError } from "../../src/protocol/errors.ts";
import { safeJoin } from "../../src/protocol/paths.ts";
import type { OutConfig } from "./out-config.ts";

export interface TagInputs {
  /** the tag file's text without trailing newlines, "" when there is no tag */
  tagName: string;
  annotation?: string | undefined;
}

export interface RepositoryInputs {
  workdir: string;
  gitdir: string;
  note?: string | undefined;
}

export async function readTagInputs(sourceDir: string, cfg: OutConfig): Promise<TagInputs> {
  const tagPath = cfg.tag === "" ? undefined : safeJoin(sourceDir, cfg.tag, "params.tag");
  if (tagPath && !(await isFile(tagPath))) fail(`tag file '${cfg.tag}' does not exist`);
  const annotationPath = cfg.annotate === "" ? undefined : safeJoin(sourceDir, cfg.annotate, "params.annotate");
  if (annotationPath && !(await isFile(annotationPath))) fail(`annotation file '${cfg.annotate}' does not exist`);
  return {
    // $(cat file) drops trailing newlines only
    tagName: tagPath ? (await readFile(tagPath, "utf8")).replace(/\n+$/, "") : "",
    annotation: annotationPath ? await readFile(annotationPath, "utf8") : undefined,
  };
}

export async function openRepository(sourceDir: string, cfg: OutConfig): Promise<RepositoryInputs> {
  const workdir = safeJoin(sourceDir, cfg.repository, "params.repository");
  if (!(await isDir(workdir))) fail(`cd: ${cfg.repository}: No such file or directory`);
  const gitdir = await findGitdir(workdir);
  const note = cfg.notes === "" ? undefined : await readNotes(sourceDir, workdir, cfg.notes);
  return { workdir, gitdir, note };
}

function fail(message: string, exitCode = 1): never {
  throw new JetwayError("OPERATION_FAILED", message, { exitCode });
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** The repository's git dir: a .git directory, or a .git file naming one (worktrees, submodules). */
async function findGitdir(workdir: string): Promise<string> {
  const dotgit = join(workdir, ".git");
  const st = await stat(dotgit).catch(() => undefined);
  if (st?.isDirectory()) return dotgit;
  if (st?.isFile()) {
    const m = /^gitdir: (.+)$/m.exec(await readFile(dotgit, "utf8"));
    if (m) return resolve(workdir, m[1]!.trim());
  }
  // a bare repository handed over as is
  if ((await isFile(join(workdir, "HEAD"))) && (await isDir(join(workdir, "objects")))) return workdir;
  return fail("fatal: not a git repository (or any of the parent directories): .git", 128);
}

/** upstream runs `git notes add -F "../${notes}"` inside the repository: the path is relative to its parent. */
async function readNotes(sourceDir: string, workdir: string, notes: string): Promise<string> {
  const path = safeJoin(sourceDir, relative(resolve(sourceDir), resolve(workdir, "..", notes)), "params.notes");
  try {
    return await readFile(path, "utf8");
  } catch {
    return fail(`error: could not open or read '../${notes}': No such file or directory`, 128);
  }
}

/**
 * HEAD of the repository being put: on a branch, moving HEAD moves the branch
 * (what rebase and merge do to a checked-out branch); detached, as `get`
 * leaves a clone, HEAD itself moves and no branch follows.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";

export interface Head {
  oid: string;
  /** refs/heads/<name> when HEAD is on a branch */
  branch?: string;
}

export async function readHead(gitdir: string): Promise<Head> {
  let oid: string;
  try {
    oid = await git.resolveRef({ fs, gitdir, ref: "HEAD" });
  } catch {
    throw new JetwayError("OPERATION_FAILED", "fatal: ambiguous argument 'HEAD': unknown revision or path not in the working tree.", {
      exitCode: 128,
    });
  }
  const branch = await git.currentBranch({ fs, gitdir, fullname: true, test: true }).catch(() => undefined);
  return branch ? { oid, branch } : { oid };
}

export async function moveHead(gitdir: string, head: Head, oid: string): Promise<Head> {
  await git.writeRef({ fs, gitdir, ref: head.branch ?? "HEAD", value: oid, force: true });
  return { ...head, oid };
}

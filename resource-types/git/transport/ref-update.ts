/**
 * Compare-and-swap ref updates with git's own locking convention: create
 * `<ref>.lock` exclusively, check the current value under it, then rename the
 * lock over the ref. A real git working on the same repository at the same
 * time honours the same locks, so concurrent pushes cannot both win.
 */
import { mkdir, open, readFile, rename, rm, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LocalRepo } from "./local-repo.ts";
import { ZERO_OID } from "./local-repo.ts";

export type RefUpdateResult = { ok: true } | { ok: false; reason: string };

/** git check-ref-format, the parts that matter for names arriving over the wire. */
export function validRefName(ref: string): boolean {
  if (!ref.startsWith("refs/") || ref.endsWith("/") || ref.endsWith(".") || ref.includes("..") || ref.includes("@{")) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false;
  return ref.split("/").every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock"));
}

export async function updateRef(repo: LocalRepo, ref: string, oldOid: string, newOid: string): Promise<RefUpdateResult> {
  const path = join(repo.gitdir, ref);
  const lockPath = `${path}.lock`;
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch {
    return { ok: false, reason: "unable to create the ref's directory (a ref with a conflicting name exists)" };
  }
  let lock;
  try {
    lock = await open(lockPath, "wx", 0o644);
  } catch {
    return { ok: false, reason: "failed to lock" };
  }
  let renamed = false;
  try {
    const current = (await repo.resolve(ref)) ?? ZERO_OID;
    if (current !== oldOid) return { ok: false, reason: "stale info (the ref changed during the push)" };
    if (newOid === ZERO_OID) {
      await lock.close();
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
      await dropPackedRef(repo.gitdir, ref);
      return { ok: true };
    }
    await lock.writeFile(`${newOid}\n`);
    await lock.sync();
    await lock.close();
    await rename(lockPath, path);
    renamed = true;
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `failed to write the ref: ${(e as Error).message}` };
  } finally {
    await lock.close().catch(() => {});
    if (!renamed) await rm(lockPath, { force: true });
  }
}

/** Rewrites packed-refs without `ref` (and its peeled line), under packed-refs.lock. */
async function dropPackedRef(gitdir: string, ref: string): Promise<void> {
  const packed = join(gitdir, "packed-refs");
  let text: string;
  try {
    text = await readFile(packed, "utf8");
  } catch {
    return;
  }
  const lines = text.split("\n");
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (line.startsWith("^")) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = line.endsWith(` ${ref}`);
    if (!dropping) kept.push(line);
  }
  if (kept.length === lines.length) return;
  const lockPath = `${packed}.lock`;
  const lock = await open(lockPath, "wx", 0o644);
  try {
    await lock.writeFile(kept.join("\n"));
    await lock.close();
    await rename(lockPath, packed);
  } catch (e) {
    await lock.close().catch(() => {});
    await rm(lockPath, { force: true });
    throw e;
  }
}

/**
 * Writes .git/index (the "DIRC" file, version 2, no extensions): one entry
 * per checked-out path with the stat data git compares to decide a file is
 * unchanged, so `git status` on a fresh clone reads no file contents.
 */
import { createHash } from "node:crypto";
import { renameSync, writeFileSync, type BigIntStats } from "node:fs";
import { join } from "node:path";

export interface IndexEntry {
  /** path from the work tree's root, '/'-separated, as bytes */
  path: Buffer;
  /** 0o100644, 0o100755, 0o120000 or 0o160000 */
  mode: number;
  oid: Buffer;
  /** what lstat says of the written file; absent for a gitlink (git keeps zeros) */
  stat?: BigIntStats;
}

const U32 = 0xffffffffn;

export function writeIndexFile(gitdir: string, entries: IndexEntry[]): void {
  const sorted = [...entries].sort((a, b) => Buffer.compare(a.path, b.path));
  let size = 12 + 20;
  for (const e of sorted) size += entryLength(e.path.length);
  const out = Buffer.alloc(size);
  out.write("DIRC", 0, "latin1");
  out.writeUInt32BE(2, 4);
  out.writeUInt32BE(sorted.length, 8);
  let at = 12;
  for (const e of sorted) {
    const s = e.stat;
    const u32 = (v: bigint | undefined) => Number((v ?? 0n) & U32);
    const fields = s
      ? [s.ctimeNs / 1_000_000_000n, s.ctimeNs % 1_000_000_000n, s.mtimeNs / 1_000_000_000n, s.mtimeNs % 1_000_000_000n, s.dev, s.ino]
      : [0n, 0n, 0n, 0n, 0n, 0n];
    let p = at;
    for (const f of fields) p = out.writeUInt32BE(u32(f), p);
    p = out.writeUInt32BE(e.mode, p);
    p = out.writeUInt32BE(u32(s?.uid), p);
    p = out.writeUInt32BE(u32(s?.gid), p);
    p = out.writeUInt32BE(u32(s?.size), p);
    p += e.oid.copy(out, p);
    // flags: no assume-valid, no extended flags, stage 0, the name's length (capped at 0xfff)
    p = out.writeUInt16BE(Math.min(e.path.length, 0xfff), p);
    e.path.copy(out, p);
    at += entryLength(e.path.length);
  }
  createHash("sha1").update(out.subarray(0, at)).digest().copy(out, at);
  const path = join(gitdir, "index");
  writeFileSync(`${path}.lock`, out);
  renameSync(`${path}.lock`, path);
}

/** 62 fixed bytes and the name, NUL-padded (at least one NUL) to a multiple of 8. */
function entryLength(nameLength: number): number {
  return (62 + nameLength + 8) & ~7;
}

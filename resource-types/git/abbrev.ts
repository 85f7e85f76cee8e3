/**
 * Abbreviated object names as git chooses them: core.abbrev "auto" starts
 * from the packed-object count (7 hex digits below 2^14 objects, then one
 * more per factor of four) and grows until no other object shares the prefix.
 */
import { join } from "node:path";
import type { GitRepo } from "./repo.ts";

const MINIMUM_ABBREV = 4;
const FALLBACK_ABBREV = 7;

/** git's approximate count: objects in pack indexes (loose objects are not counted). */
async function packedObjectCount(repo: GitRepo): Promise<number> {
  const dir = join(repo.gitdir, "objects", "pack");
  let count = 0;
  for (const name of await repo.fs.promises.readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith(".idx")) continue;
    const idx = await repo.fs.promises.readFile(join(dir, name));
    // v2 index: magic, version, then 256 fan-out words; the last is the object count
    const v2 = idx.length >= 8 + 1024 && idx.readUInt32BE(0) === 0xff744f63;
    const fanoutEnd = v2 ? 8 + 1024 : 1024;
    if (idx.length >= fanoutEnd) count += idx.readUInt32BE(fanoutEnd - 4);
  }
  return count;
}

export async function autoAbbrevLength(repo: GitRepo): Promise<number> {
  const count = await packedObjectCount(repo);
  const msb = count > 0 ? Math.floor(Math.log2(count)) : 0;
  return Math.max(FALLBACK_ABBREV, Math.ceil((msb + 1) / 2));
}

/** The shortest prefix of at least `length` (auto when undefined) that names only `oid`. */
export async function uniqueAbbrev(repo: GitRepo, oid: string, length?: number): Promise<string> {
  if (length === 0) return oid;
  let len = length === undefined ? await autoAbbrevLength(repo) : Math.min(40, Math.max(MINIMUM_ABBREV, length));
  for (; len < 40; len++) {
    if ((await repo.expandOid(oid.slice(0, len))) === oid) return oid.slice(0, len);
  }
  return oid;
}

/**
 * Writes a commit's tree into an empty work tree and the matching
 * .git/index, as `git checkout` of a fresh clone does: regular and
 * executable files, symlinks, and an empty directory for each submodule
 * (gitlink). Names are kept as the bytes the tree holds.
 */
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, symlinkSync, writeSync } from "node:fs";
import { JetwayError } from "../../src/protocol/errors.ts";
import { writeIndexFile, type IndexEntry } from "./index-file.ts";

/** An object's type and content, or undefined when the repository lacks it. */
export type ReadObject = (oid: string) => { type: string; data: Buffer } | undefined;

const SLASH = Buffer.from("/");

export function checkoutTree(read: ReadObject, treeOid: string, workTree: string, gitdir: string): void {
  const entries: IndexEntry[] = [];
  const root = Buffer.from(workTree);

  const object = (oid: string, type: "tree" | "blob") => {
    const o = read(oid);
    if (!o) throw new JetwayError("OPERATION_FAILED", `fatal: unable to read ${type} ${oid}`, { exitCode: 128 });
    if (o.type !== type) throw new JetwayError("OPERATION_FAILED", `fatal: object ${oid} is a ${o.type}, not a ${type}`, { exitCode: 128 });
    return o.data;
  };

  const walk = (oid: string, prefix: Buffer | undefined): void => {
    const tree = object(oid, "tree");
    let p = 0;
    while (p < tree.length) {
      const sp = tree.indexOf(0x20, p);
      const nul = tree.indexOf(0, sp);
      if (sp < 0 || nul < 0 || nul + 21 > tree.length) throw new JetwayError("OPERATION_FAILED", `fatal: tree ${oid} is corrupt`, { exitCode: 128 });
      const mode = parseInt(tree.toString("latin1", p, sp), 8);
      const name = tree.subarray(sp + 1, nul);
      const child = tree.toString("hex", nul + 1, nul + 21);
      p = nul + 21;
      const rel = prefix ? Buffer.concat([prefix, SLASH, name]) : Buffer.from(name);
      checkName(name, rel);
      const full = Buffer.concat([root, SLASH, rel]);
      const kind = mode & 0o170000;
      if (kind === 0o040000) {
        mkdirSync(full);
        walk(child, rel);
      } else if (kind === 0o160000) {
        // a submodule: git leaves an empty directory for it
        mkdirSync(full);
        entries.push({ path: rel, mode: 0o160000, oid: Buffer.from(child, "hex") });
      } else if (kind === 0o120000) {
        symlinkSync(object(child, "blob"), full);
        entries.push({ path: rel, mode: 0o120000, oid: Buffer.from(child, "hex"), stat: lstatSync(full, { bigint: true }) });
      } else if (kind === 0o100000) {
        const executable = (mode & 0o100) !== 0;
        const data = object(child, "blob");
        const fd = openSync(full, "w", executable ? 0o777 : 0o666);
        try {
          let done = 0;
          while (done < data.length) done += writeSync(fd, data, done, data.length - done);
          entries.push({ path: rel, mode: executable ? 0o100755 : 0o100644, oid: Buffer.from(child, "hex"), stat: fstatSync(fd, { bigint: true }) });
        } finally {
          closeSync(fd);
        }
      } else {
        throw new JetwayError("OPERATION_FAILED", `fatal: tree ${oid} has an entry of unknown mode ${mode.toString(8)}`, { exitCode: 128 });
      }
    }
  };

  walk(treeOid, undefined);
  writeIndexFile(gitdir, entries);
}

/** git's verify_path, for one component: nothing that climbs out or lands in .git. */
function checkName(name: Buffer, rel: Buffer): void {
  const s = name.toString("latin1");
  if (s === "" || s === "." || s === ".." || s.includes("/") || s.includes("\0") || s.toLowerCase() === ".git") {
    throw new JetwayError("OPERATION_FAILED", `error: invalid path '${rel.toString("utf8")}'`, { exitCode: 128 });
  }
}

/**
 * `unpack`, in JavaScript where upstream runs unzip, tar, gunzip and bunzip2.
 * The kind is read from the file's first bytes (the magic numbers the Go
 * filetype library looks for), not from its name. zip and tar are extracted
 * beside the archive, which is then removed; gzip and bzip2 replace the file
 * with its decompressed content, named as gunzip and bunzip2 name it, and if
 * that is the only file in the folder and is a tar, it is extracted too.
 *
 * Each extraction is written into a hidden staging folder first and moved
 * into place only when the whole archive has been read, so a corrupt archive
 * leaves nothing half-written. Entries that would land outside the folder
 * (absolute names, `..`, links pointing out) are refused.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { link, lstat, mkdir, open, readdir, rename, rm, symlink, utimes, chmod } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { randomBytes } from "node:crypto";
import * as tarStream from "tar-stream";
import unbzip2 from "unbzip2-stream";
import * as yauzl from "yauzl";

export type ArchiveKind = "application/zip" | "application/x-tar" | "application/gzip" | "application/x-bzip2";

import { ArchiveError } from "./archive-error.ts";

export { ArchiveError };

async function head(file: string, n: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** archiveMimetype: one of the four kinds, or null (not an archive, or a zip-based document). */
export async function archiveKind(file: string): Promise<ArchiveKind | null> {
  let b: Buffer;
  try {
    b = await head(file, 512);
  } catch {
    return null;
  }
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && [3, 5, 7].includes(b[2]!) && [4, 6, 8].includes(b[3]!)) {
    // documents are recognised before archives: an epub or an Office file is not "an archive"
    const firstName = b.subarray(30, 30 + 28).toString("latin1");
    if (firstName.startsWith("mimetypeapplication/epub+zip")) return null;
    if (firstName.startsWith("[Content_Types].xml") || firstName.startsWith("_rels/.rels")) return null;
    return "application/zip";
  }
  if (b.length > 261 && b.subarray(257, 262).toString("latin1") === "ustar") return "application/x-tar";
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08) return "application/gzip";
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return "application/x-bzip2";
  return null;
}

function stagingName(dir: string): string {
  return join(dir, `.jetway-unpack-${randomBytes(6).toString("hex")}`);
}

/** The entry's place under root, or an ArchiveError when it would leave root. */
function inside(root: string, name: string): string {
  const clean = name.replace(/\/+$/, "");
  const target = resolve(root, clean);
  const rel = relative(root, target);
  if (clean === "" || isAbsolute(clean) || rel.startsWith("..") || isAbsolute(rel) || name.includes("\0")) {
    throw new ArchiveError(`entry ${JSON.stringify(name)} would be written outside the destination`);
  }
  return target;
}

/** A link's target must stay under root too, resolved from the link's folder. */
function checkLinkTarget(root: string, linkPath: string, target: string, name: string): void {
  const resolved = resolve(dirname(linkPath), target);
  const rel = relative(root, resolved);
  if (isAbsolute(target) || rel.startsWith("..") || isAbsolute(rel)) {
    throw new ArchiveError(`entry ${JSON.stringify(name)} links outside the destination`);
  }
}

/** Moves everything under `from` into `to`, merging folders and replacing files, as an extraction over `to` would. */
async function mergeInto(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const [s, d] = await Promise.all([lstat(src), lstat(dst).catch(() => null)]);
    if (d && s.isDirectory() && d.isDirectory()) {
      await mergeInto(src, dst);
      continue;
    }
    if (d) await rm(dst, { recursive: true, force: true });
    await rename(src, dst);
  }
}

/** Runs an extraction into a staging folder under dir, then moves its result into dir. */
async function staged(dir: string, extractTo: (staging: string) => Promise<void>): Promise<void> {
  const staging = stagingName(dir);
  await mkdir(staging);
  try {
    await extractTo(staging);
    await mergeInto(staging, dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeEntry(stream: Readable, path: string, mode: number | undefined, mtime: Date | undefined): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await pipeline(stream, createWriteStream(path, { mode: mode === undefined ? 0o644 : mode & 0o777 }));
  if (mode !== undefined) await chmod(path, mode & 0o777);
  if (mtime) await utimes(path, mtime, mtime).catch(() => undefined);
}

async function extractTar(file: string, root: string): Promise<void> {
  const extract = tarStream.extract();
  const source = createReadStream(file);
  source.on("error", (e) => extract.destroy(e));
  source.pipe(extract);
  for await (const entry of extract) {
    const h = entry.header;
    const path = inside(root, h.name);
    switch (h.type) {
      case "file":
      case "contiguous-file":
        await writeEntry(entry as unknown as Readable, path, h.mode, h.mtime);
        continue;
      case "directory":
        await mkdir(path, { recursive: true, ...(h.mode !== undefined && { mode: h.mode & 0o777 }) });
        break;
      case "symlink":
        checkLinkTarget(root, path, h.linkname ?? "", h.name);
        await mkdir(dirname(path), { recursive: true });
        await rm(path, { force: true });
        await symlink(h.linkname ?? "", path);
        break;
      case "link": {
        const target = inside(root, h.linkname ?? "");
        await mkdir(dirname(path), { recursive: true });
        await rm(path, { force: true });
        await link(target, path);
        break;
      }
      default:
        // devices and fifos are not recreated
        break;
    }
    entry.resume();
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((done, fail) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) => (err ? fail(err) : done(zip))),
  );
}

async function extractZip(file: string, root: string): Promise<void> {
  const zip = await openZip(file);
  await new Promise<void>((done, fail) => {
    const failWith = (e: unknown) => {
      try {
        zip.close();
      } catch {
        // already closed by autoClose
      }
      fail(e);
    };
    zip.on("error", (e: Error) => {
      // yauzl checks names itself before handing an entry out
      if (/^(invalid relative path|absolute path): /.test(e.message)) {
        fail(new ArchiveError(`entry ${JSON.stringify(e.message.replace(/^[^:]*: /, ""))} would be written outside the destination`));
      } else {
        fail(e);
      }
    });
    zip.on("end", () => done());
    zip.on("entry", (entry: yauzl.Entry) => {
      void (async () => {
        const path = inside(root, entry.fileName);
        const unixMode = entry.versionMadeBy >> 8 === 3 ? (entry.externalFileAttributes >>> 16) & 0o177777 : 0;
        const type = unixMode & 0o170000;
        if (entry.fileName.endsWith("/") || type === 0o040000) {
          await mkdir(path, { recursive: true });
          zip.readEntry();
          return;
        }
        if (entry.isEncrypted()) throw new ArchiveError(`entry ${JSON.stringify(entry.fileName)} is encrypted`);
        const stream = await new Promise<Readable>((ok, ko) => zip.openReadStream(entry, (err, s) => (err ? ko(err) : ok(s))));
        if (type === 0o120000) {
          const chunks: Buffer[] = [];
          for await (const c of stream) chunks.push(c as Buffer);
          const target = Buffer.concat(chunks).toString("utf8");
          checkLinkTarget(root, path, target, entry.fileName);
          await mkdir(dirname(path), { recursive: true });
          await rm(path, { force: true });
          await symlink(target, path);
        } else {
          await writeEntry(stream, path, unixMode & 0o777 ? unixMode & 0o777 : undefined, entry.getLastModDate());
        }
        zip.readEntry();
      })().catch(failWith);
    });
    zip.readEntry();
  });
}

/** gunzip's output name: a known suffix removed (.tgz and .taz become .tar); anything else is refused, as gunzip refuses it. */
export function gunzipName(name: string): string | null {
  const lower = name.toLowerCase();
  for (const [suffix, replacement] of [
    [".tgz", ".tar"],
    [".taz", ".tar"],
    [".gz", ""],
    ["-gz", ""],
    [".z", ""],
    ["-z", ""],
    ["_z", ""],
  ] as const) {
    if (lower.length > suffix.length && lower.endsWith(suffix)) return name.slice(0, -suffix.length) + replacement;
  }
  return null;
}

/** bunzip2's output name: .bz2/.bz removed, .tbz2/.tbz become .tar, otherwise `.out` added. */
export function bunzip2Name(name: string): string {
  for (const [suffix, replacement] of [
    [".bz2", ""],
    [".bz", ""],
    [".tbz2", ".tar"],
    [".tbz", ".tar"],
  ] as const) {
    if (name.length > suffix.length && name.endsWith(suffix)) return name.slice(0, -suffix.length) + replacement;
  }
  return name + ".out";
}

/** Decompresses `file` beside itself under `outName` (atomically) and removes it. */
async function decompress(file: string, outName: string, kind: "gzip" | "bzip2"): Promise<void> {
  const dir = dirname(file);
  const out = inside(dir, outName);
  const partial = join(dir, `.${basename(outName)}.jetway-partial-${randomBytes(6).toString("hex")}`);
  try {
    const transform = kind === "gzip" ? createGunzip() : unbzip2();
    await pipeline(createReadStream(file), transform, createWriteStream(partial, { mode: 0o644 }));
    await rename(partial, out);
  } catch (e) {
    await rm(partial, { force: true });
    // unbzip2-stream fails on bad input with assorted errors of its own (TypeErrors included)
    if (kind === "bzip2" && !(e as NodeJS.ErrnoException).syscall) throw new ArchiveError(bzip2Cause(e));
    throw e;
  }
  await rm(file, { force: true });
}

async function inflate(kind: ArchiveKind, file: string, dir: string): Promise<void> {
  switch (kind) {
    case "application/zip":
    case "application/x-tar":
      try {
        await staged(dir, (staging) => (kind === "application/zip" ? extractZip(file, staging) : extractTar(file, staging)));
      } finally {
        await rm(file, { force: true });
      }
      return;
    case "application/gzip": {
      const name = gunzipName(basename(file));
      if (name === null) throw new ArchiveError(`${basename(file)}: unknown suffix -- ignored`);
      return decompress(file, name, "gzip");
    }
    case "application/x-bzip2":
      return decompress(file, bunzip2Name(basename(file)), "bzip2");
  }
}

function bzip2Cause(e: unknown): string {
  const err = e as { name?: string; message?: string };
  if (err?.message === "input stream ended prematurely") return "bzip2 data is truncated";
  if (err?.name === "Bzip2Error" && err.message === "No magic number found") return "bzip2 data is corrupt (no bzip2 header)";
  return "bzip2 data is truncated or corrupt";
}

function causeOf(e: unknown): string {
  if (e instanceof ArchiveError) return e.message;
  const err = e as { name?: string; message?: string; code?: string };
  if (err?.code === "Z_BUF_ERROR" || err?.message === "unexpected end of file") return "gzip data is truncated";
  if (err?.code === "Z_DATA_ERROR") return `gzip data is corrupt (${err.message})`;
  return err?.message ?? String(e);
}

/**
 * extractArchive: unpacks `file` (of the given kind) into its own folder.
 * Failures are ArchiveErrors worded for "failed to extract archive: ...",
 * except the file count after decompression, which upstream words alone.
 */
export async function extractArchive(kind: ArchiveKind, file: string): Promise<void> {
  const dir = dirname(file);
  try {
    await inflate(kind, file, dir);
  } catch (e) {
    throw new ArchiveError(`failed to extract archive: ${causeOf(e)}`);
  }
  if (kind !== "application/gzip" && kind !== "application/x-bzip2") return;
  const entries = await readdir(dir);
  if (entries.length !== 1) {
    throw new ArchiveError(`${entries.length} files found after ${kind === "application/gzip" ? "gzip" : "bzip2"} decompression; expected 1`);
  }
  const inner = join(dir, entries[0]!);
  if ((await archiveKind(inner)) === "application/x-tar") {
    try {
      await inflate("application/x-tar", inner, dir);
    } catch (e) {
      throw new ArchiveError(`failed to extract archive: ${causeOf(e)}`);
    }
  }
}

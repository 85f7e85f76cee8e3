import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateRawSync, gzipSync } from "node:zlib";
import * as tarStream from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError, archiveKind, bunzip2Name, extractArchive, gunzipName } from "./unpack.ts";

// made with the bzip2 CLI: "hello from bzip2\n", and a tar of dir/a.txt ("a\n") and b.txt ("b\n")
const HELLO_BZ2 = "QlpoOTFBWSZTWVXpr+UAAAPZgAAQQAAQABNm0BAgACKaMmnpH6hAAA0q9CbgvywBYu5IpwoSCr01/KA=";
const TAR_BZ2 =
  "QlpoOTFBWSZTWcsA+ssAALd7hMmQAFBAAf+AAIx0IJ5AAACACCAAkoZChkGgBpoACKUymTEGRoZDJtTVpBfyMZM1W0isQHpjZBZaMm/AqbB6sIhUhppIJurUynImZVq3sAOeelyFcObhBRwCMdBhMaJ1Q3Vhi8WOaTyhqLygP0YldZLyMh2H07Fz9d3g0IaO5R6nFEP4u5IpwoSGWAfWWA==";

type TarEntry = { name: string; type?: "file" | "directory" | "symlink" | "link"; content?: string; linkname?: string; mode?: number };

async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((ok) => pack.on("end", () => ok()));
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? "file", mode: e.mode ?? (e.type === "directory" ? 0o755 : 0o644), ...(e.linkname && { linkname: e.linkname }) };
    await new Promise<void>((ok, ko) => {
      if (header.type === "file") pack.entry(header, e.content ?? "", (err) => (err ? ko(err) : ok()));
      else {
        pack.entry(header);
        ok();
      }
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A zip as zip(1) writes one: deflated entries, Unix modes, central directory. */
function makeZip(entries: { name: string; content?: string; mode?: number; symlinkTo?: string }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const isDir = e.name.endsWith("/");
    const raw = Buffer.from(e.symlinkTo ?? e.content ?? "");
    const data = isDir ? Buffer.alloc(0) : deflateRawSync(raw);
    const crc = crc32(raw);
    const method = isDir ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, data);
    const type = e.symlinkTo !== undefined ? 0o120000 : isDir ? 0o040000 : 0o100000;
    const mode = type | (e.mode ?? (isDir ? 0o755 : 0o644));
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dirWith(name: string, content: Buffer): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "jetway-unpack-"));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, content);
  return { dir, file };
}

async function unpack(name: string, content: Buffer): Promise<string> {
  const { dir, file } = dirWith(name, content);
  const kind = await archiveKind(file);
  expect(kind).not.toBeNull();
  await extractArchive(kind!, file);
  return dir;
}

async function unpackError(name: string, content: Buffer): Promise<{ message: string; dir: string }> {
  const { dir, file } = dirWith(name, content);
  const kind = await archiveKind(file);
  try {
    await extractArchive(kind!, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ArchiveError);
    return { message: (e as Error).message, dir };
  }
  throw new Error("extracted");
}

const sample: TarEntry[] = [
  { name: "dir/", type: "directory" },
  { name: "dir/a.txt", content: "a\n", mode: 0o600 },
  { name: "run.sh", content: "#!/bin/sh\n", mode: 0o755 },
  { name: "dir/link", type: "symlink", linkname: "a.txt" },
];

describe("archive detection by magic number", () => {
  it("recognises the four kinds whatever the file is called", async () => {
    const tar = await makeTar(sample);
    const cases: [Buffer, string][] = [
      [tar, "application/x-tar"],
      [gzipSync(tar), "application/gzip"],
      [Buffer.from(TAR_BZ2, "base64"), "application/x-bzip2"],
      [makeZip([{ name: "x.txt", content: "x" }]), "application/zip"],
    ];
    for (const [bytes, kind] of cases) expect(await archiveKind(dirWith("no-extension", bytes).file)).toBe(kind);
  });

  it("says 'not an archive' for text and for zip-based documents", async () => {
    expect(await archiveKind(dirWith("a.tgz", Buffer.from("plain text")).file)).toBeNull();
    expect(await archiveKind(dirWith("b.docx", makeZip([{ name: "[Content_Types].xml", content: "<x/>" }])).file)).toBeNull();
  });
});

describe("unpack", () => {
  it("extracts a tar beside it, keeps modes and links, and removes the archive", async () => {
    const dir = await unpack("release.tar", await makeTar(sample));
    expect(readdirSync(dir).sort()).toEqual(["dir", "run.sh"]);
    expect(readFileSync(join(dir, "dir/a.txt"), "utf8")).toBe("a\n");
    expect(statSync(join(dir, "dir/a.txt")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "run.sh")).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dir, "dir/link"))).toBe("a.txt");
  });

  it("gunzips a .tgz to .tar and then untars it", async () => {
    const dir = await unpack("release.tgz", gzipSync(await makeTar(sample)));
    expect(readdirSync(dir).sort()).toEqual(["dir", "run.sh"]);
  });

  it("gunzips a plain .gz into its name without the suffix", async () => {
    const dir = await unpack("notes.txt.gz", gzipSync("just text\n"));
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("just text\n");
  });

  it("bunzips .bz2 and .tbz2 (a tar inside is extracted)", async () => {
    const plain = await unpack("hello.txt.bz2", Buffer.from(HELLO_BZ2, "base64"));
    expect(readFileSync(join(plain, "hello.txt"), "utf8")).toBe("hello from bzip2\n");
    const tarred = await unpack("bundle.tbz2", Buffer.from(TAR_BZ2, "base64"));
    expect(readdirSync(tarred).sort()).toEqual(["b.txt", "dir"]);
    expect(readFileSync(join(tarred, "dir/a.txt"), "utf8")).toBe("a\n");
  });

  it("unzips with folders, modes and symlinks", async () => {
    const dir = await unpack(
      "site.zip",
      makeZip([
        { name: "site/", mode: 0o755 },
        { name: "site/index.html", content: "<h1>hi</h1>" },
        { name: "site/tool", content: "#!/bin/sh", mode: 0o750 },
        { name: "site/home", symlinkTo: "index.html" },
      ]),
    );
    expect(readdirSync(dir)).toEqual(["site"]);
    expect(readFileSync(join(dir, "site/index.html"), "utf8")).toBe("<h1>hi</h1>");
    expect(statSync(join(dir, "site/tool")).mode & 0o777).toBe(0o750);
    expect(lstatSync(join(dir, "site/home")).isSymbolicLink()).toBe(true);
  });

  it("names decompressed files as gunzip and bunzip2 do", () => {
    expect(gunzipName("a.tar.gz")).toBe("a.tar");
    expect(gunzipName("a.TGZ")).toBe("a.tar");
    expect(gunzipName("a-gz")).toBe("a");
    expect(gunzipName("archive")).toBeNull();
    expect(gunzipName(".gz")).toBeNull();
    expect(bunzip2Name("a.tbz2")).toBe("a.tar");
    expect(bunzip2Name("a.bz2")).toBe("a");
    expect(bunzip2Name("archive")).toBe("archive.out");
  });
});

describe("unpack refuses", () => {
  it("entries that climb out of the destination, leaving nothing behind", async () => {
    for (const entries of [
      [{ name: "ok.txt", content: "fine" }, { name: "../evil.txt", content: "x" }],
      [{ name: "/etc/evil.txt", content: "x" }],
      [{ name: "a/../../evil.txt", content: "x" }],
      [{ name: "up", type: "symlink", linkname: "../../etc" } as TarEntry],
      [{ name: "abs", type: "symlink", linkname: "/etc/passwd" } as TarEntry],
    ] as TarEntry[][]) {
      const { message, dir } = await unpackError("bad.tar", await makeTar(entries));
      expect(message).toMatch(/^failed to extract archive: entry ".*" (would be written|links) outside the destination$/);
      // upstream removes a tar even when tar fails; no half-extracted file remains
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it("zip entries that climb out, and zip symlinks pointing out", async () => {
    const climb = await unpackError("bad.zip", makeZip([{ name: "../evil.txt", content: "x" }]));
    expect(climb.message).toBe('failed to extract archive: entry "../evil.txt" would be written outside the destination');
    expect(readdirSync(climb.dir)).toEqual([]);
    const link = await unpackError("bad.zip", makeZip([{ name: "l", symlinkTo: "../../etc" }]));
    expect(link.message).toBe('failed to extract archive: entry "l" links outside the destination');
  });

  it("corrupt archives, each with one line naming the cause", async () => {
    const tgz = gzipSync(await makeTar(sample));
    const truncatedGz = await unpackError("r.tgz", tgz.subarray(0, tgz.length - 20));
    expect(truncatedGz.message).toBe("failed to extract archive: gzip data is truncated");
    // gunzip keeps the archive when it fails, and writes no partial output
    expect(readdirSync(truncatedGz.dir)).toEqual(["r.tgz"]);

    const garbled = Buffer.from(tgz);
    garbled.fill(0x55, 12, 60);
    expect((await unpackError("g.tgz", garbled)).message).toMatch(/^failed to extract archive: gzip data is (corrupt|truncated)/);

    const tar = await makeTar(sample);
    const truncatedTar = await unpackError("t.tar", tar.subarray(0, 700));
    expect(truncatedTar.message).toMatch(/^failed to extract archive: /);
    expect(readdirSync(truncatedTar.dir)).toEqual([]);

    const zip = makeZip([{ name: "x.txt", content: "x".repeat(1000) }]);
    expect((await unpackError("z.zip", zip.subarray(0, zip.length - 30))).message).toMatch(/^failed to extract archive: .*central directory/);

    const bz = Buffer.from(TAR_BZ2, "base64");
    expect((await unpackError("c.tbz2", bz.subarray(0, 60))).message).toMatch(/^failed to extract archive: bzip2 data is (truncated|corrupt)/);
  });

  it("a gzip whose folder holds more than its one file", async () => {
    const { dir, file } = dirWith("notes.txt.gz", gzipSync("x"));
    writeFileSync(join(dir, "other"), "");
    await expect(extractArchive("application/gzip", file)).rejects.toThrow("2 files found after gzip decompression; expected 1");
  });

  it("a gzip whose name has no suffix gunzip knows", async () => {
    const { message } = await unpackError("archive", gzipSync("x"));
    expect(message).toBe("failed to extract archive: archive: unknown suffix -- ignored");
  });
});

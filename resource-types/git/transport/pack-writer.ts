/**
 * Streams a version-2 pack for upload-pack, reusing the source's packed
 * entries as git's pack-objects does: a whole object is copied byte for byte,
 * and a delta is copied too when its base goes into the same pack (ofs-delta
 * offsets are rewritten for the new layout, or the entry becomes a ref-delta
 * if the client did not ask for ofs-delta). Packed objects are emitted in
 * source-pack order, so a base always precedes its deltas. Anything else
 * (loose objects, deltas against objects the client already has) is written
 * whole, compressed at the fastest level: the bytes never leave the machine.
 */
import { createHash } from "node:crypto";
import { constants, deflateSync } from "node:zlib";
import { abortedError } from "./guard.ts";
import { OFS_DELTA, REF_DELTA, type ObjectStore, type PackEntry } from "./object-store.ts";

const TYPE_CODE: Record<string, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
const BATCH = 256 * 1024;

export async function* writePack(
  oids: readonly string[],
  store: ObjectStore,
  options: { ofsDelta: boolean; signal?: AbortSignal | undefined },
): AsyncGenerator<Buffer> {
  const sending = new Set(oids);
  const packed: Array<{ oid: string; entry: PackEntry }> = [];
  const other: string[] = [];
  for (const oid of oids) {
    const entry = store.locate(oid);
    if (entry) packed.push({ oid, entry });
    else other.push(oid);
  }
  packed.sort((a, b) => (a.entry.pack.path < b.entry.pack.path ? -1 : a.entry.pack.path > b.entry.pack.path ? 1 : a.entry.offset - b.entry.offset));

  const hash = createHash("sha1");
  const written = new Map<string, number>();
  let position = 0;
  let pending: Buffer[] = [];
  let size = 0;
  const emit = (...parts: Buffer[]): void => {
    for (const b of parts) {
      hash.update(b);
      pending.push(b);
      size += b.length;
      position += b.length;
    }
  };
  const flush = function* (): Generator<Buffer> {
    if (size === 0) return;
    yield Buffer.concat(pending, size);
    pending = [];
    size = 0;
  };

  const header = Buffer.alloc(12);
  header.write("PACK", 0, "latin1");
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(oids.length, 8);
  emit(header);

  for (const oid of other) {
    written.set(oid, position);
    const o = store.read(oid);
    emit(wholeHeader(TYPE_CODE[o.type] ?? 0, o.data.length), deflateSync(o.data, { level: constants.Z_BEST_SPEED }));
    if (size >= BATCH) yield* flush();
  }
  for (const { oid, entry } of packed) {
    if (options.signal?.aborted) throw abortedError();
    const start = position;
    const baseOid =
      entry.kind === OFS_DELTA ? entry.pack.index.oidAtOffset(entry.baseOffset as number) : entry.kind === REF_DELTA ? entry.baseOid : undefined;
    if (entry.kind < OFS_DELTA) {
      emit(entry.raw);
    } else if (baseOid !== undefined && sending.has(baseOid) && written.has(baseOid)) {
      const sizeHeader = entry.raw.subarray(0, sizeHeaderLength(entry.raw));
      const data = entry.raw.subarray(entry.dataStart);
      if (options.ofsDelta) {
        emit(withKind(sizeHeader, OFS_DELTA), ofsOffset(start - (written.get(baseOid) as number)), data);
      } else {
        emit(withKind(sizeHeader, REF_DELTA), Buffer.from(baseOid, "hex"), data);
      }
    } else {
      const o = store.resolveEntry(entry);
      emit(wholeHeader(TYPE_CODE[o.type] ?? 0, o.data.length), deflateSync(o.data, { level: constants.Z_BEST_SPEED }));
    }
    written.set(oid, start);
    if (size >= BATCH) yield* flush();
  }
  pending.push(hash.digest());
  size += 20;
  yield* flush();
}

/** Type in bits 4-6 of the first byte, size as a little-endian base-128 varint after 4 low bits. */
function wholeHeader(type: number, length: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (length & 0x0f);
  let rest = Math.floor(length / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

function sizeHeaderLength(raw: Buffer): number {
  let i = 0;
  while ((raw[i++] ?? 0) & 0x80);
  return i;
}

function withKind(sizeHeader: Buffer, kind: number): Buffer {
  const out = Buffer.from(sizeHeader);
  out[0] = ((out[0] ?? 0) & 0x8f) | (kind << 4);
  return out;
}

/** git's offset encoding for ofs-delta: big-endian base-128 with an off-by-one per continuation. */
function ofsOffset(distance: number): Buffer {
  const bytes = [distance & 0x7f];
  let n = Math.floor(distance / 128);
  while (n > 0) {
    n -= 1;
    bytes.unshift(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  return Buffer.from(bytes);
}

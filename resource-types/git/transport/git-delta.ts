/**
 * Applies a git delta (pack entries of type ofs-delta/ref-delta): two size
 * varints, then copy-from-base and insert-literal instructions.
 */

export function applyDelta(delta: Uint8Array, base: Uint8Array): Buffer {
  const target = deltaTarget(delta, base);
  const out = Buffer.allocUnsafe(target.size);
  applyDeltaInto(delta, base, out, 0, target);
  return out;
}

/** The size the delta produces and where its instructions start; checks the base's size. */
export function deltaTarget(delta: Uint8Array, base: Uint8Array): { size: number; start: number } {
  let i = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[i++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const baseSize = varint();
  if (baseSize !== base.length) throw new Error(`delta base size mismatch (${baseSize} != ${base.length})`);
  const size = varint();
  return { size, start: i };
}

/**
 * Writes the delta's result into `out` from `at` (callers that want a header
 * before the content, for hashing, leave room for it).
 */
export function applyDeltaInto(delta: Uint8Array, base: Uint8Array, out: Uint8Array, at: number, target = deltaTarget(delta, base)): void {
  let i = target.start;
  const end = at + target.size;
  if (end > out.length) throw new Error("delta result does not fit");
  let o = at;
  while (i < delta.length) {
    const op = delta[i++] ?? 0;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let b = 0; b < 4; b++) if (op & (1 << b)) offset += (delta[i++] ?? 0) * 2 ** (8 * b);
      for (let b = 0; b < 3; b++) if (op & (0x10 << b)) size += (delta[i++] ?? 0) << (8 * b);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || o + size > end) throw new Error("delta copy out of range");
      out.set(base.subarray(offset, offset + size), o);
      o += size;
    } else if (op > 0) {
      if (i + op > delta.length || o + op > end) throw new Error("delta insert out of range");
      out.set(delta.subarray(i, i + op), o);
      i += op;
      o += op;
    } else {
      throw new Error("delta opcode 0 is reserved");
    }
  }
  if (o !== end) throw new Error("delta result size mismatch");
}

/**
 * Applies a git delta (pack entries of type ofs-delta/ref-delta): two size
 * varints, then copy-from-base and insert-literal instructions.
 */

export function applyDelta(delta: Uint8Array, base: Uint8Array): Buffer {
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
  const out = Buffer.allocUnsafe(varint());
  let o = 0;
  while (i < delta.length) {
    const op = delta[i++] ?? 0;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let b = 0; b < 4; b++) if (op & (1 << b)) offset += (delta[i++] ?? 0) * 2 ** (8 * b);
      for (let b = 0; b < 3; b++) if (op & (0x10 << b)) size += (delta[i++] ?? 0) << (8 * b);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || o + size > out.length) throw new Error("delta copy out of range");
      out.set(base.subarray(offset, offset + size), o);
      o += size;
    } else if (op > 0) {
      if (i + op > delta.length || o + op > out.length) throw new Error("delta insert out of range");
      out.set(delta.subarray(i, i + op), o);
      i += op;
      o += op;
    } else {
      throw new Error("delta opcode 0 is reserved");
    }
  }
  if (o !== out.length) throw new Error("delta result size mismatch");
  return out;
}

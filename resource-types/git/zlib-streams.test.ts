import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ShortInput, ZlibStreams } from "./zlib-streams.ts";

const samples = [0, 1, 100, 4096, 70_000].flatMap((n) => [Buffer.alloc(n, "ab"), randomBytes(n)]);

describe.each([
  ["the reused native zlib state", true],
  ["inflateSync (the fallback)", false],
])("ZlibStreams through %s", (_, native) => {
  it("inflates back-to-back streams and says where each ends", () => {
    const zs = new ZlibStreams({ native });
    const streams = samples.map((s) => deflateSync(s));
    const all = Buffer.concat([...streams, Buffer.from("trailing bytes")]);
    let at = 0;
    samples.forEach((sample, i) => {
      const { data, used } = zs.inflate(all, at, all.length, sample.length);
      expect(data.equals(sample)).toBe(true);
      expect(used).toBe(streams[i]!.length);
      at += used;
    });
    // the native run must not have fallen back unnoticed
    expect(zs.usesNativeState()).toBe(native);
    zs.close();
  });

  it("leaves room for a header before the content", () => {
    const zs = new ZlibStreams({ native });
    const stream = deflateSync("hello");
    const { data } = zs.inflate(stream, 0, stream.length, 5, 3);
    expect(data.length).toBe(8);
    expect(data.subarray(3).toString()).toBe("hello");
  });

  it("reports input that ends inside the stream as ShortInput, and keeps working", () => {
    const zs = new ZlibStreams({ native });
    const sample = randomBytes(5000);
    const stream = deflateSync(sample);
    expect(() => zs.inflate(stream, 0, stream.length - 10, sample.length)).toThrow(ShortInput);
    expect(zs.inflate(stream, 0, stream.length, sample.length).data.equals(sample)).toBe(true);
  });

  it("refuses a stream of another size or a corrupt one, and keeps working", () => {
    const zs = new ZlibStreams({ native });
    const stream = deflateSync(Buffer.alloc(300, 1));
    expect(() => zs.inflate(stream, 0, stream.length, 299)).toThrow(/300 bytes/);
    expect(() => zs.inflate(stream, 0, stream.length, 301)).toThrow();
    const corrupt = Buffer.from(stream);
    corrupt[corrupt.length - 1]! ^= 0xff; // the Adler-32 trailer
    expect(() => zs.inflate(corrupt, 0, corrupt.length, 300)).toThrow();
    expect(() => zs.inflate(corrupt, 0, corrupt.length, 300)).not.toThrow(ShortInput);
    expect(zs.inflate(stream, 0, stream.length, 300).data.equals(Buffer.alloc(300, 1))).toBe(true);
  });
});

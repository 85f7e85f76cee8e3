import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JetwayError } from "../../protocol/errors.ts";
import { LogDemuxer } from "./demux.ts";

function frame(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("LogDemuxer", () => {
  it("keeps stdout and stderr apart however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 50 })), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map(([type, bytes]) => frame(type, Buffer.from(bytes))));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const out: Buffer[] = [];
          const err: Buffer[] = [];
          const demux = new LogDemuxer((c) => out.push(Buffer.from(c)), (c) => err.push(Buffer.from(c)));
          let at = 0;
          for (const p of [...points, stream.length]) {
            demux.push(stream.subarray(at, p));
            at = p;
          }
          demux.end();
          const want = (t: number) => Buffer.concat(frames.filter(([type]) => type === t).map(([, b]) => Buffer.from(b)));
          expect(Buffer.concat(out).equals(want(1))).toBe(true);
          expect(Buffer.concat(err).equals(want(2))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("says so when the stream ends inside a frame", () => {
    const demux = new LogDemuxer(() => {}, () => {});
    demux.push(frame(1, Buffer.from("hello")).subarray(0, 10));
    expect(() => demux.end()).toThrow(new JetwayError("DRIVER_FAILED", "docker driver: log stream ended inside a frame (10 bytes left)"));
  });

  it("turns an engine error frame into a driver failure", () => {
    const demux = new LogDemuxer(() => {}, () => {});
    expect(() => demux.push(frame(3, Buffer.from("boom")))).toThrow("docker driver: log stream error: boom");
  });
});

import { describe, expect, it } from "vitest";
import { checkFraming, responseIsFramed } from "./framing.ts";
import { FLUSH, PktReader, pkt, sideband } from "./pktline.ts";
import { applyDelta } from "./git-delta.ts";

async function drain(chunks: Uint8Array[]): Promise<number> {
  let n = 0;
  async function* src(): AsyncGenerator<Uint8Array> {
    yield* chunks;
  }
  for await (const c of checkFraming(src(), (bytes) => new Error(`truncated at ${bytes}`))) n += c.length;
  return n;
}

describe("pkt-line framing", () => {
  const whole = Buffer.concat([pkt("NAK\n"), ...sideband(1, Buffer.alloc(70_000, 7)), FLUSH]);

  it("accepts a complete response however it is split", async () => {
    for (const size of [1, 3, 4, 5, 1000, whole.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size));
      await expect(drain(chunks)).resolves.toBe(whole.length);
    }
  });

  it("rejects a response cut mid-packet, mid-header or before the final flush", async () => {
    await expect(drain([whole.subarray(0, 5000)])).rejects.toThrow("truncated at 5000");
    await expect(drain([whole.subarray(0, whole.length - 2)])).rejects.toThrow(/truncated/);
    await expect(drain([whole.subarray(0, whole.length - 4)])).rejects.toThrow(/truncated/);
    await expect(drain([])).rejects.toThrow(/truncated/);
  });

  it("knows which requests get framed responses", () => {
    const want = Buffer.concat([pkt(`want ${"a".repeat(40)} side-band-64k ofs-delta\n`), FLUSH]);
    const plain = Buffer.concat([pkt(`want ${"a".repeat(40)} ofs-delta\n`), FLUSH]);
    const push = Buffer.concat([pkt(`${"0".repeat(40)} ${"a".repeat(40)} refs/heads/x\0 report-status\n`), FLUSH]);
    expect(responseIsFramed("git-upload-pack", want)).toBe(true);
    expect(responseIsFramed("git-upload-pack", plain)).toBe(false);
    expect(responseIsFramed("git-receive-pack", push)).toBe(true);
    expect(responseIsFramed("git-upload-pack", FLUSH)).toBe(false);
  });

  it("PktReader hands over the bytes after the last line", async () => {
    const r = new PktReader([Buffer.concat([pkt("a\n"), FLUSH, Buffer.from("PACKrest")])]);
    expect((await r.readThroughFlush()).lines.map(String)).toEqual(["a\n"]);
    const rest: Buffer[] = [];
    for await (const c of r.rest()) rest.push(c);
    expect(Buffer.concat(rest).toString()).toBe("PACKrest");
  });
});

describe("applyDelta", () => {
  it("copies from the base and inserts literals", () => {
    const base = Buffer.from("hello brave new world");
    const delta = Buffer.from([21, 15, 0x90, 6, 3, ...Buffer.from("big"), 0x91, 15, 6]);
    expect(applyDelta(delta, base).toString()).toBe("hello big world");
  });

  it("rejects a delta for another base", () => {
    expect(() => applyDelta(Buffer.from([5, 1, 1, 65]), Buffer.from("abc"))).toThrow(/base size/);
  });
});

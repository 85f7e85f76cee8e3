/**
 * Buffers that die young (response chunks, inflated objects) keep their bytes
 * outside V8's heap, and V8 only collects them once about 64 MiB of such
 * memory has piled up; the allocator then keeps most of it. On a large pack
 * that pile is most of `in`'s peak RSS. A minor GC (a millisecond or two)
 * after every few MiB streamed keeps it small.
 *
 * `gc` is not exposed to scripts without a start-up flag, which the entry
 * points cannot pass; V8 accepts the flag at run time and exposes the
 * function to contexts created afterwards. Where that fails, nothing is done
 * and memory behaves as before.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type CollectGarbage = (options: { type: "minor" }) => void;

const EVERY_BYTES = 8 << 20;

let collect: CollectGarbage | null | undefined;

function collector(): CollectGarbage | null {
  if (collect === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      const gc: unknown = runInNewContext("gc");
      collect = typeof gc === "function" ? (gc as CollectGarbage) : null;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Counts bytes of short-lived buffers and runs a minor GC every EVERY_BYTES of them. */
export class YoungGarbage {
  private bytes = 0;

  add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes < EVERY_BYTES) return;
    this.bytes = 0;
    collector()?.({ type: "minor" });
  }
}

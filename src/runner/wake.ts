/** A wait that ends at a timeout, an abort, or as soon as something calls notify(). */
export class Wake {
  #waiters: (() => void)[] = [];

  notify(): void {
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w();
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve();
      };
      // no timer for "until notified": setTimeout would take Infinity as 1 ms
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.push(done);
    });
  }
}

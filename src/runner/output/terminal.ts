/**
 * The live output of a run: whole lines, each prefixed by its build and step,
 * and for gets and puts that take a while a progress line. On a terminal the
 * progress line sits at the bottom and is redrawn in place; elsewhere (a pipe,
 * a CI log) it is an ordinary line now and then, so logs stay readable.
 */
import { formatDuration, makeStyle, type Style } from "./style.ts";

export interface TerminalOptions {
  write(text: string): void;
  /** a TTY: colours (unless turned off) and an in-place progress line */
  tty: boolean;
  color: boolean;
  /** a get or put running longer than this gets a progress line (default 2 s) */
  progressAfterMs?: number;
  /** without a TTY, how often a long step says it is still running (default 10 s) */
  progressEveryMs?: number;
  now?: () => number;
}

interface Running {
  label: string;
  since: number;
  /** without a TTY: when it last said so */
  lastSaid: number;
}

export class Terminal {
  readonly style: Style;
  readonly #options: TerminalOptions;
  readonly #now: () => number;
  readonly #running = new Map<string, Running>();
  #timer: NodeJS.Timeout | undefined;
  #statusShown = false;

  constructor(options: TerminalOptions) {
    this.#options = options;
    this.style = makeStyle(options.color);
    this.#now = options.now ?? Date.now;
  }

  /** Whether lines may carry colours: without, colour codes in logs are taken out too. */
  get color(): boolean {
    return this.#options.color;
  }

  /** One line of output (no newline in `text`). */
  line(text: string): void {
    this.#clearStatus();
    this.#options.write(`${text}\n`);
    this.#drawStatus();
  }

  /** A get or put started: it shows in the progress line once it has taken a while. */
  startProgress(key: string, label: string): void {
    const now = this.#now();
    this.#running.set(key, { label, since: now, lastSaid: now });
    this.#timer ??= setInterval(() => this.tick(), 1000).unref();
  }

  stopProgress(key: string): void {
    if (!this.#running.delete(key)) return;
    if (this.#running.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    this.#clearStatus();
    this.#drawStatus();
  }

  /** Redraws the progress line (TTY) or says which long steps are still running (otherwise). Called every second. */
  tick(): void {
    const now = this.#now();
    if (this.#options.tty) {
      this.#clearStatus();
      this.#drawStatus();
      return;
    }
    const after = this.#options.progressAfterMs ?? 2000;
    const every = this.#options.progressEveryMs ?? 10_000;
    for (const r of this.#running.values()) {
      if (now - r.since >= after && now - r.lastSaid >= every) {
        r.lastSaid = now;
        this.#options.write(`${r.label}: still running (${formatDuration(now - r.since)})\n`);
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#running.clear();
    this.#clearStatus();
  }

  #drawStatus(): void {
    if (!this.#options.tty) return;
    const now = this.#now();
    const after = this.#options.progressAfterMs ?? 2000;
    const long = [...this.#running.values()].filter((r) => now - r.since >= after);
    if (long.length === 0) return;
    const text = long.map((r) => `${r.label} ${formatDuration(now - r.since)}`).join(" · ");
    this.#options.write(this.style.dim(`… ${text}`));
    this.#statusShown = true;
  }

  #clearStatus(): void {
    if (!this.#statusShown) return;
    this.#options.write("\r\x1b[2K");
    this.#statusShown = false;
  }
}

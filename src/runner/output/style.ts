/** Colours for a terminal, nothing otherwise: the same text either way. */

const PALETTE = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

export interface Style {
  /** the job's own colour, stable from run to run */
  job(name: string, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  status(status: string, text: string): string;
}

export function makeStyle(color: boolean): Style {
  if (!color) return { job: (_n, t) => t, dim: (t) => t, bold: (t) => t, status: (_s, t) => t };
  const sgr = (code: number | string, text: string) => `\x1b[${code}m${text}\x1b[0m`;
  return {
    job: (name, text) => sgr(PALETTE[hash(name) % PALETTE.length]!, text),
    dim: (text) => sgr(2, text),
    bold: (text) => sgr(1, text),
    status: (status, text) => sgr(STATUS_COLOURS[status] ?? 0, text),
  };
}

const STATUS_COLOURS: Record<string, number> = { succeeded: 32, failed: 31, errored: 91, aborted: 33, skipped: 2, started: 36, "not run": 2 };

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

/** Whether to colour: a TTY, unless NO_COLOR; FORCE_COLOR wins. */
export function wantsColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY && env.TERM !== "dumb";
}

/** 850ms, 12.3s, 4m05s, 1h02m */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** `job #3`: how builds are named in every line. */
export function buildLabel(job: string, number: number): string {
  return `${job} #${number}`;
}

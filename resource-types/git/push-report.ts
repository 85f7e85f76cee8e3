/**
 * The status lines `git push` prints on stderr, in its layout: "To <uri>",
 * then one line per ref that changed or failed (successes first), each as
 * ` <flag> <summary padded to 17> <src> -> <dst>[ (<reason>)]`.
 */
import type { RefDecision, RefUpdate } from "./push-plan.ts";

export type RefOutcome =
  | { update: RefUpdate; decision: RefDecision & { kind: "uptodate" | "rejected" } }
  | { update: RefUpdate; decision: RefDecision & { kind: "send" }; remote: { ok: true } | { ok: false; reason: string } };

const WIDTH = 17;

export function prettyRef(ref: string): string {
  for (const prefix of ["refs/heads/", "refs/tags/", "refs/remotes/"]) if (ref.startsWith(prefix)) return ref.slice(prefix.length);
  return ref;
}

function line(flag: string, summary: string, u: RefUpdate, reason?: string): string {
  return ` ${flag} ${summary.padEnd(WIDTH)} ${u.src} -> ${prettyRef(u.dst)}${reason ? ` (${reason})` : ""}`;
}

function newSummary(dst: string): string {
  if (dst.startsWith("refs/heads/")) return "[new branch]";
  if (dst.startsWith("refs/tags/")) return "[new tag]";
  return "[new reference]";
}

export function succeeded(o: RefOutcome): boolean {
  return o.decision.kind === "uptodate" || ("remote" in o && o.remote.ok);
}

function describe(o: RefOutcome): string | undefined {
  const { update: u, decision: d } = o;
  if (d.kind === "uptodate") return undefined;
  if (d.kind === "rejected") return line("!", "[rejected]", u, d.reason);
  if ("remote" in o && !o.remote.ok) return line("!", "[remote rejected]", u, o.remote.reason);
  const range = (sep: string) => `${d.old.slice(0, 7)}${sep}${u.oid.slice(0, 7)}`;
  if (d.how === "new") return line("*", newSummary(u.dst), u);
  if (d.how === "fast-forward") return line(" ", range(".."), u);
  return line("+", range("..."), u, "forced update");
}

/** The report git prints, or "Everything up-to-date" when nothing changed or failed. */
export function reportLines(uri: string, outcomes: readonly RefOutcome[]): string[] {
  const ok = outcomes.filter(succeeded).map(describe).filter((l): l is string => l !== undefined);
  const failed = outcomes.filter((o) => !succeeded(o)).map(describe).filter((l): l is string => l !== undefined);
  if (ok.length === 0 && failed.length === 0) return ["Everything up-to-date"];
  return [`To ${uri}`, ...ok, ...failed];
}

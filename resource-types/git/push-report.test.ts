import { describe, expect, it } from "vitest";
import type { RefUpdate } from "./push-plan.ts";
import { prettyRef, reportLines, type RefOutcome } from "./push-report.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const u = (src: string, dst: string, oid = B): RefUpdate => ({ src, dst, oid, force: false });

describe("push report", () => {
  it("lays lines out as git push does, successes first", () => {
    const outcomes: RefOutcome[] = [
      { update: u("HEAD", "refs/heads/master"), decision: { kind: "rejected", reason: "non-fast-forward" } },
      { update: u("v1", "refs/tags/v1"), decision: { kind: "send", old: "0".repeat(40), how: "new" }, remote: { ok: true } },
      { update: u("HEAD", "refs/heads/dev"), decision: { kind: "send", old: A, how: "fast-forward" }, remote: { ok: true } },
      { update: u("HEAD", "refs/heads/f"), decision: { kind: "send", old: A, how: "forced" }, remote: { ok: true } },
      { update: u("refs/notes/commits", "refs/notes/commits"), decision: { kind: "send", old: A, how: "fast-forward" }, remote: { ok: false, reason: "pre-receive hook declined" } },
      { update: u("v0", "refs/tags/v0"), decision: { kind: "uptodate" } },
    ];
    expect(reportLines("https://h/r.git", outcomes)).toEqual([
      "To https://h/r.git",
      " * [new tag]         v1 -> v1",
      "   aaaaaaa..bbbbbbb  HEAD -> dev",
      " + aaaaaaa...bbbbbbb HEAD -> f (forced update)",
      " ! [rejected]        HEAD -> master (non-fast-forward)",
      " ! [remote rejected] refs/notes/commits -> refs/notes/commits (pre-receive hook declined)",
    ]);
  });

  it("says Everything up-to-date when nothing moved", () => {
    expect(reportLines("u", [{ update: u("v0", "refs/tags/v0"), decision: { kind: "uptodate" } }])).toEqual(["Everything up-to-date"]);
  });

  it("shortens refs as git prints them", () => {
    expect(prettyRef("refs/heads/a/b")).toBe("a/b");
    expect(prettyRef("refs/for/main")).toBe("refs/for/main");
  });
});

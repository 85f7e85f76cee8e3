import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffHunks, mergeLines, splitLines, type LineMergeOptions } from "./merge3-lines.ts";

const merge = (base: string, ours: string, theirs: string, options?: LineMergeOptions) => {
  const r = mergeLines(Buffer.from(base), Buffer.from(ours), Buffer.from(theirs), options);
  return r.clean ? r.content.toString() : r;
};

describe("splitLines", () => {
  it("keeps terminators and a last line without one", () => {
    expect(splitLines(Buffer.from("a\nb\nc"))).toEqual(["a\n", "b\n", "c"]);
    expect(splitLines(Buffer.from(""))).toEqual([]);
  });
});

describe("diffHunks", () => {
  it("finds the changed ranges", () => {
    expect(diffHunks([1, 2, 3], [1, 9, 3])).toEqual([{ a0: 1, a1: 2, b0: 1, b1: 2 }]);
    expect(diffHunks([1, 2, 3], [1, 2, 3, 4])).toEqual([{ a0: 3, a1: 3, b0: 3, b1: 4 }]);
    expect(diffHunks([1, 2, 3], [2])).toEqual([
      { a0: 0, a1: 1, b0: 0, b1: 0 },
      { a0: 2, a1: 3, b0: 1, b1: 1 },
    ]);
  });

  it("reconstructs the target from the source (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 30 }), (a, b) => {
        const out: number[] = [];
        let i = 0;
        for (const h of diffHunks(a, b)) {
          out.push(...a.slice(i, h.a0), ...b.slice(h.b0, h.b1));
          i = h.a1;
        }
        out.push(...a.slice(i));
        expect(out).toEqual(b);
      }),
    );
  });
});

describe("mergeLines", () => {
  const base = "one\ntwo\nthree\nfour\nfive\n";

  it("refuses to line-merge a file both sides changed, even in separate regions (git would merge it)", () => {
    expect(merge(base, "ONE\ntwo\nthree\nfour\nfive\n", "one\ntwo\nthree\nfour\nFIVE\n")).toEqual({ clean: false, binary: false });
  });

  it("applies changes to separate regions from both sides under a -X option", () => {
    expect(merge(base, "ONE\ntwo\nthree\nfour\nfive\n", "one\ntwo\nthree\nfour\nFIVE\n", { favor: "ours" })).toBe("ONE\ntwo\nthree\nfour\nFIVE\n");
  });

  it("merges identical changes", () => {
    expect(merge(base, "one\nTWO\nthree\nfour\nfive\n", "one\nTWO\nthree\nfour\nfive\n")).toBe("one\nTWO\nthree\nfour\nfive\n");
  });

  it("conflicts on overlapping and on adjacent changes, as git does", () => {
    expect(merge(base, "one\nTWO\nthree\nfour\nfive\n", "one\n2\nthree\nfour\nfive\n")).toEqual({ clean: false, binary: false });
    expect(merge(base, "one\nTWO\nthree\nfour\nfive\n", "one\ntwo\nTHREE\nfour\nfive\n")).toEqual({ clean: false, binary: false });
  });

  it("settles conflicting hunks with favor", () => {
    const o = "one\nTWO\nthree\nfour\nfive\n";
    const t = "one\n2\nthree\nfour\nFIVE\n";
    expect(merge(base, o, t, { favor: "ours" })).toBe("one\nTWO\nthree\nfour\nFIVE\n");
    expect(merge(base, o, t, { favor: "theirs" })).toBe("one\n2\nthree\nfour\nFIVE\n");
  });

  it("ignores whitespace-only changes with space-change, keeping our line", () => {
    // upstream's it_can_put_with_rebase_ignore_space_change
    const b = "line1\nline2  \nline3\n";
    const o = "line1-changed\nline2  \nline3\n";
    const t = "line1\nline2\nline3-changed\n";
    expect(merge(b, o, t)).toEqual({ clean: false, binary: false });
    expect(merge(b, o, t, { ignore: ["space-change"] })).toBe("line1-changed\nline2  \nline3-changed\n");
  });

  it("treats a NUL byte as binary", () => {
    expect(merge("a\0", "b\0", "c\0")).toEqual({ clean: false, binary: true });
    expect(merge("a\0", "b\0", "c\0", { favor: "theirs" })).toBe("c\0");
  });

  const git = spawnSync("git", ["--version"]).status === 0;
  // git's xdiff may align lines differently and merge cleanly where we conflict;
  // the other way round would write content git would not: a clean merge of ours
  // is always git's, and every git conflict is ours too
  it.skipIf(!git)("never merges where git merge-file conflicts, and merges as git does", () => {
    const dir = mkdtempSync(join(tmpdir(), "jetway-merge3-"));
    const runs = 600;
    try {
      const line = fc.constantFrom("a\n", "b\n", "c\n", "d\n", "e\n");
      const file = fc.array(line, { maxLength: 8 }).map((l) => l.join(""));
      fc.assert(
        fc.property(file, file, file, (b, o, t) => {
          writeFileSync(join(dir, "b"), b);
          writeFileSync(join(dir, "o"), o);
          writeFileSync(join(dir, "t"), t);
          const r = spawnSync("git", ["merge-file", "-p", join(dir, "o"), join(dir, "b"), join(dir, "t")]);
          const ours = merge(b, o, t);
          if (typeof ours === "string") expect(ours).toBe(r.stdout.toString());
          if (r.status !== 0) expect(typeof ours).toBe("object");
        }),
        { numRuns: runs },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

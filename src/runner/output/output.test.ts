import { describe, expect, it } from "vitest";
import { LineSplitter } from "./lines.ts";
import { formatDuration, makeStyle, wantsColor } from "./style.ts";
import { summaryTable } from "./summary.ts";
import { Terminal } from "./terminal.ts";

describe("LineSplitter", () => {
  it("joins lines across chunks and keeps an unfinished last line for flush", () => {
    const s = new LineSplitter();
    expect(s.push("a\nb")).toEqual(["a"]);
    expect(s.push("c\n\nd")).toEqual(["bc", ""]);
    expect(s.flush()).toEqual(["d"]);
    expect(s.flush()).toEqual([]);
  });

  it("keeps what a carriage-return progress bar finally showed", () => {
    expect(new LineSplitter().push("10%\r50%\r100%\r\n")).toEqual(["100%"]);
  });
});

describe("Terminal", () => {
  function terminal(tty: boolean) {
    let now = 0;
    const out: string[] = [];
    const t = new Terminal({ write: (s) => out.push(s), tty, color: false, progressAfterMs: 2000, progressEveryMs: 5000, now: () => now });
    return { t, out, advance: (ms: number) => (now += ms) };
  }

  it("without a TTY, says a long get is still running now and then, as plain lines", () => {
    const { t, out, advance } = terminal(false);
    t.startProgress("k", "build #1 get repo");
    advance(1000);
    t.tick();
    expect(out).toEqual([]);
    advance(4000);
    t.tick();
    expect(out).toEqual(["build #1 get repo: still running (5.0s)\n"]);
    advance(1000);
    t.tick();
    expect(out).toHaveLength(1);
    t.stopProgress("k");
    advance(10_000);
    t.tick();
    expect(out).toHaveLength(1);
    t.close();
  });

  it("on a TTY, keeps one progress line at the bottom, cleared before other output and redrawn after", () => {
    const { t, out, advance } = terminal(true);
    t.startProgress("k", "build #1 put release");
    t.line("first");
    expect(out).toEqual(["first\n"]);
    advance(3000);
    t.tick();
    expect(out.slice(1)).toEqual(["… build #1 put release 3.0s"]);
    t.line("second");
    expect(out.slice(2)).toEqual(["\r\x1b[2K", "second\n", "… build #1 put release 3.0s"]);
    t.stopProgress("k");
    expect(out.slice(5)).toEqual(["\r\x1b[2K"]);
    t.close();
  });
});

describe("style", () => {
  it("colours only when asked, and a job keeps its colour", () => {
    expect(makeStyle(false).job("unit", "unit #1")).toBe("unit #1");
    const c = makeStyle(true);
    expect(c.job("unit", "x")).toMatch(/^\x1b\[\d+mx\x1b\[0m$/);
    expect(c.job("unit", "x")).toBe(c.job("unit", "x"));
    expect(c.status("failed", "failed")).toBe("\x1b[31mfailed\x1b[0m");
  });

  it("colours a TTY unless NO_COLOR; FORCE_COLOR wins", () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(wantsColor(true, { TERM: "dumb" })).toBe(false);
  });

  it("formats durations", () => {
    expect([850, 12_340, 245_000, 3_725_000].map(formatDuration)).toEqual(["850ms", "12.3s", "4m05s", "1h02m"]);
  });
});

describe("summaryTable", () => {
  it("aligns builds and jobs that did not run, with why", () => {
    const lines = summaryTable(
      [
        { job: "unit", number: 12, status: "succeeded", durationMs: 1500 },
        { job: "package", number: 3, status: "failed", durationMs: 200, note: "exit status 1" },
        { job: "deploy", status: "not run", note: "artifact: no version of artifact has passed package" },
      ],
      makeStyle(false),
    );
    expect(lines).toEqual([
      "job      build  status     duration  note",
      "unit     #12    succeeded  1.5s",
      "package  #3     failed     200ms     exit status 1",
      "deploy   -      not run              artifact: no version of artifact has passed package",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { goStrconvQuote, logrusLine } from "./logrus.ts";

describe("logrusLine", () => {
  it("prints an info line: colour, four-letter level, seconds, message padded to 44, a trailing space", () => {
    expect(logrusLine("info", "fetching version: 1")).toBe(
      "\x1b[36mINFO\x1b[0m[0000] fetching version: 1" + " ".repeat(44 - 19) + " \n",
    );
  });

  it("colours and truncates every level as logrus does", () => {
    expect(logrusLine("error", "x").slice(0, 13)).toBe("\x1b[31mERRO\x1b[0m");
    expect(logrusLine("warning", "x").slice(0, 13)).toBe("\x1b[33mWARN\x1b[0m");
    expect(logrusLine("debug", "x").slice(0, 13)).toBe("\x1b[37mDEBU\x1b[0m");
    expect(logrusLine("fatal", "x").slice(0, 13)).toBe("\x1b[31mFATA\x1b[0m");
  });

  it("keeps a message of 44 characters or more unpadded, still followed by a space", () => {
    const long = "m".repeat(50);
    expect(logrusLine("error", long)).toBe(`\x1b[31mERRO\x1b[0m[0000] ${long} \n`);
  });

  it("trims one trailing newline from the message before padding", () => {
    expect(logrusLine("info", "pushing version: 2\n")).toBe(logrusLine("info", "pushing version: 2"));
    expect(logrusLine("info", "a\n\n")).toBe(`\x1b[36mINFO\x1b[0m[0000] ${"a\n".padEnd(44)} \n`);
  });

  it("pads by code points, as Go's %-44s does", () => {
    expect(logrusLine("info", "😀")).toBe(`\x1b[36mINFO\x1b[0m[0000] 😀${" ".repeat(43)} \n`);
  });

  it("prints the seconds since start with four digits", () => {
    expect(logrusLine("info", "x", { seconds: 12 })).toContain("[0012] ");
  });

  it("appends fields sorted by key, coloured, quoting values that need it", () => {
    const line = logrusLine("info", "mirroring self image", {
      fields: { via_params: true, a: "two words", b: "plain-ok_1.2/@^+", c: 3, d: "" },
    });
    expect(line).toBe(
      `\x1b[36mINFO\x1b[0m[0000] ${"mirroring self image".padEnd(44)} ` +
        ` \x1b[36ma\x1b[0m="two words"` +
        ` \x1b[36mb\x1b[0m=plain-ok_1.2/@^+` +
        ` \x1b[36mc\x1b[0m=3` +
        ` \x1b[36md\x1b[0m=` +
        ` \x1b[36mvia_params\x1b[0m=true\n`,
    );
  });

  it("prints non-integral numbers as fmt's %v does", () => {
    expect(logrusLine("info", "x", { fields: { n: 1.5 } })).toContain("n\x1b[0m=1.5");
    expect(logrusLine("info", "x", { fields: { n: 1234567.5 } })).toContain("n\x1b[0m=1.2345675e+06");
    expect(logrusLine("info", "x", { fields: { n: 0.00001 } })).toContain("n\x1b[0m=1e-05");
  });
});

describe("goStrconvQuote", () => {
  it("escapes as strconv.Quote does", () => {
    expect(goStrconvQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goStrconvQuote("\n\t\x07\x01\x7f")).toBe('"\\n\\t\\a\\x01\\x7f"');
    expect(goStrconvQuote("héllo ✓")).toBe('"héllo ✓"');
    expect(goStrconvQuote("\u00a0\u2028")).toBe('"\\u00a0\\u2028"');
  });
});

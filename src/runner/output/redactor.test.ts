import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Vars } from "../../pipeline/vars.ts";
import { REDACTED, secretValues, StreamRedactor } from "./redactor.ts";

/** Feeds chunks through a redactor and returns everything it let out. */
function through(secrets: string[], chunks: string[]): string {
  const r = new StreamRedactor(secrets);
  return chunks.map((c) => r.push(c)).join("") + r.flush();
}

describe("StreamRedactor", () => {
  it("redacts a secret inside one chunk", () => {
    expect(through(["hunter22"], ["password is hunter22, ok\n"])).toBe(`password is ${REDACTED}, ok\n`);
  });

  it("redacts a secret split across chunks, wherever the cut falls", () => {
    const secret = "s3cr3t-t0ken";
    const text = `token=${secret}\n`;
    for (let cut = 0; cut <= text.length; cut++) {
      expect(through([secret], [text.slice(0, cut), text.slice(cut)])).toBe(`token=${REDACTED}\n`);
    }
  });

  it("redacts a secret split into one-character chunks", () => {
    expect(through(["abcdef"], [..."x abcdef y abcde"])).toBe(`x ${REDACTED} y abcde`);
  });

  it("holds back only what may start a secret, and lets it go once the next chunk settles it", () => {
    const r = new StreamRedactor(["abcdef"]);
    expect(r.push("one ab")).toBe("one ");
    expect(r.push("cx two")).toBe("abcx two");
    expect(r.push(" abcde")).toBe(" ");
    expect(r.push("f!")).toBe(`${REDACTED}!`);
    expect(r.flush()).toBe("");
  });

  it("replaces a secret that contains another whole, even when the cut falls in the shorter one", () => {
    expect(through(["cd", "abcdef"], ["xx abcd", "ef yy cd"])).toBe(`xx ${REDACTED} yy ${REDACTED}`);
  });

  it("with no secrets, passes chunks straight through", () => {
    const r = new StreamRedactor([]);
    expect(r.push("abc")).toBe("abc");
    expect(r.flush()).toBe("");
  });

  it("never lets a secret through, however the text is cut (generated)", () => {
    const secret = "Pa55w0rd!";
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "P", "Pa5", "5w0", "rd!", "\n", secret), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), (pieces, cuts) => {
        const text = pieces.join("");
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, text.length].slice(1).map((end, i, all) => text.slice(i === 0 ? 0 : all[i - 1], end));
        const out = through([secret], [text.slice(0, 0), ...chunks]);
        expect(out).not.toContain(secret);
        expect(out).toBe(text.split(secret).join(REDACTED));
      }),
      { numRuns: 500 },
    );
  });
});

describe("secretValues", () => {
  it("takes vars whose names look secret, and secret-looking keys of the pipeline; not short or innocent ones", () => {
    const vars = new Vars([
      { origin: "-v", ref: { text: "github-token", source: undefined, name: "github-token", fields: [] }, value: "ghp_abcdef" },
      { origin: "-v", ref: { text: "branch", source: undefined, name: "branch", fields: [] }, value: "main-branch" },
      { origin: "-v", ref: { text: "api_key", source: undefined, name: "api_key", fields: [] }, value: "xyz" },
      { origin: "creds.yml", ref: undefined, value: { aws: { secret_access_key: "AKIA/secret/value" }, deploy_password: "correct horse" } },
    ]);
    const found = secretValues(vars, { resources: [{ name: "r", source: { private_key: "-----BEGIN KEY-----\nline-one-of-key\n-----END KEY-----" } }] });
    expect(found.has("ghp_abcdef")).toBe(true);
    expect(found.has("AKIA/secret/value")).toBe(true);
    expect(found.has("correct horse")).toBe(true);
    expect(found.has("line-one-of-key")).toBe(true);
    expect(found.has("main-branch")).toBe(false);
    expect(found.has("xyz")).toBe(false);
  });
});

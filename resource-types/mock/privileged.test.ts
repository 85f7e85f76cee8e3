import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logrusLine } from "../../src/compat/logrus.ts";
import { isPrivileged, PrivilegeCheckError, requirePrivilegeAnswer, uidMapIsPrivileged } from "./privileged.ts";

describe("uidMapIsPrivileged", () => {
  it("is true when a line maps inner 0 to outer 0", () => {
    expect(uidMapIsPrivileged("         0          0 4294967295\n")).toBe(true);
    expect(uidMapIsPrivileged("         1     100000      65536\n         0          0          1\n")).toBe(true);
  });

  it("is false for a user namespace or an empty map", () => {
    expect(uidMapIsPrivileged("         0       1000          1\n")).toBe(false);
    expect(uidMapIsPrivileged("0 1000 1\n1 100000 65536\n")).toBe(false);
    expect(uidMapIsPrivileged("")).toBe(false);
    expect(uidMapIsPrivileged("0 0")).toBe(false); // input ends before the third number: Go stops at EOF
  });

  it("fails on malformed content with fmt.Fscanf's words", () => {
    expect(() => uidMapIsPrivileged("0 x 1\n")).toThrow(new PrivilegeCheckError("expected integer"));
    expect(() => uidMapIsPrivileged("0 1\n2 3 4\n")).toThrow(new PrivilegeCheckError("newline in input does not match format"));
    expect(() => uidMapIsPrivileged("0 1 \n")).toThrow(new PrivilegeCheckError("newline in input does not match format"));
    expect(() => uidMapIsPrivileged("\n0 0 1\n")).toThrow(new PrivilegeCheckError("unexpected newline"));
    expect(() => uidMapIsPrivileged("0,0,1\n")).toThrow(new PrivilegeCheckError("expected space in input to match format"));
  });
});

describe("isPrivileged", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "jetway-mock-priv-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the map from the given file", async () => {
    await writeFile(join(dir, "root"), "0 0 4294967295\n");
    await writeFile(join(dir, "userns"), "0 1000 1\n");
    expect(await isPrivileged(join(dir, "root"))).toBe(true);
    expect(await isPrivileged(join(dir, "userns"))).toBe(false);
  });

  it("fails the action with upstream's wording when the map cannot be read", async () => {
    const missing = join(dir, "missing");
    const message = `could not check privilege: open ${missing}: no such file or directory`;
    await expect(requirePrivilegeAnswer(missing)).rejects.toMatchObject({ message, stderr: logrusLine("error", message), exitCode: 1 });
  });
});

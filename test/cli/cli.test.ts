/** The built `jetway` binary, as a user runs it. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../golden/harness.ts";
import { runProcess } from "../golden/host-paths.ts";

const jetway = (args: string[], stdin = "", env: Record<string, string> = {}) =>
  runProcess(process.execPath, [join(repoRoot, "dist/cli/jetway.js"), ...args], stdin, env);

describe("jetway CLI", () => {
  it("prints help on --help for every command", async () => {
    for (const args of [["--help"], ["resource", "--help"], ["resource", "list", "--help"], ["resource", "time", "check", "--help"], ["resource", "mock", "in", "--help"], ["resource", "time", "out", "--help"], ["resource", "time", "schema", "--help"]]) {
      const r = await jetway(args);
      expect(r.exitCode, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toMatch(/^Usage: jetway/);
    }
  });

  it("lists the native types", async () => {
    const r = await jetway(["resource", "list"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(["git", "mock", "s3", "time"]);
  });

  it("prints a type's JSON Schema", async () => {
    const r = await jetway(["resource", "time", "schema"]);
    expect(r.exitCode).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.type).toBe("time");
    expect(Object.keys(schema.source.properties)).toEqual(expect.arrayContaining(["interval", "location", "start", "stop", "days"]));
    expect(schema).toHaveProperty("get_params");
    expect(schema).toHaveProperty("put_params");
  });

  it("runs check with the request on stdin", async () => {
    const r = await jetway(["resource", "mock", "check"], JSON.stringify({ source: { force_version: "v1" } }));
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)[0].version).toBe("v1");
  });

  it("runs in into a directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jetway-cli-"));
    try {
      const r = await jetway(["resource", "mock", "in", dir], JSON.stringify({ source: {}, version: { version: "v2" } }));
      expect(r.exitCode).toBe(0);
      expect(await readFile(join(dir, "version"), "utf8")).toBe("v2\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unknown type, naming the known ones, with exit 2", async () => {
    const r = await jetway(["resource", "gti", "check"], "{}");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('jetway: unknown resource type "gti" (known: git, mock, s3, time)\n');
    expect(r.stdout).toBe("");
  });

  it("refuses an unknown operation and an unknown command", async () => {
    const op = await jetway(["resource", "time", "fetch"], "{}");
    expect(op.exitCode).toBe(2);
    expect(op.stderr).toMatch(/unknown operation "fetch"/);
    const cmd = await jetway(["launch"]);
    expect(cmd.exitCode).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command "launch"/);
  });

  it("needs a directory for in and out", async () => {
    const r = await jetway(["resource", "time", "in"], '{"source":{}}');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("usage: in <destination directory>\n");
    expect(r.stdout).toBe("");
  });

  it("prints its version", async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8"));
    const r = await jetway(["--version"]);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { logrusLine } from "../../src/compat/logrus.ts";
import { createContext, streamLogger } from "../../src/protocol/context.ts";
import { mockType } from "./index.ts";
import { isPrivileged } from "./privileged.ts";

let privileged: boolean;
let dir: string;
beforeAll(async () => {
  privileged = await isPrivileged();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "jetway-mock-in-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runIn(stdin: string) {
  let stderr = "";
  const ctx = { ...createContext({ logger: streamLogger((t) => (stderr += t)) }), dir };
  const response = await mockType.in(mockType.decodeIn(stdin), ctx);
  return { stdout: mockType.encodeResponse(response), stderr };
}

/** Every file under dir, path -> content. */
async function files(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[relative(dir, join(e.parentPath, e.name))] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}

const fetchLogs = (version: string) =>
  (privileged ? logrusLine("info", "fetching in a privileged container") : "") + logrusLine("info", `fetching version: ${version}`);

describe("mock in", () => {
  it("writes version and privileged, logs, and echoes the version with null metadata", async () => {
    expect(await runIn('{"source":{},"version":{"version":"1","privileged":"true"}}')).toEqual({
      stdout: '{"version":{"version":"1","privileged":"true"},"metadata":null}\n',
      stderr: fetchLogs("1"),
    });
    expect(await files()).toEqual({ version: "1\n", privileged: `${privileged}\n` });
  });

  it("returns source.metadata and logs source.log first", async () => {
    const r = await runIn('{"source":{"log":"hi","metadata":[{"name":"a","value":"<b>"},{"value":"only value"}]},"version":{"version":"2"}}');
    expect(r.stdout).toBe('{"version":{"version":"2"},"metadata":[{"name":"a","value":"\\u003cb\\u003e"},{"name":"","value":"only value"}]}\n');
    expect(r.stderr).toBe(logrusLine("info", "hi") + fetchLogs("2"));
  });

  it("returns an empty metadata list as []", async () => {
    expect((await runIn('{"source":{"metadata":[]},"version":{"version":"2"}}')).stdout).toBe('{"version":{"version":"2"},"metadata":[]}\n');
  });

  it("creates files: strings raw, anything else as Go's json.Marshal, parents included", async () => {
    await runIn(
      JSON.stringify({
        source: {
          create_files: {
            "plain.txt": "line one\nline two\n",
            "deep/er/obj.json": { z: 1, a: { y: [true, null, 2.5], b: "<&>" }, m: 1e21 },
            "list.json": ["x", 0.000001],
            "num.json": 12,
          },
        },
        version: { version: "3" },
      }),
    );
    expect(await files()).toEqual({
      version: "3\n",
      privileged: `${privileged}\n`,
      "plain.txt": "line one\nline two\n",
      "deep/er/obj.json": '{"a":{"b":"\\u003c\\u0026\\u003e","y":[true,null,2.5]},"m":1e+21,"z":1}',
      "list.json": '["x",0.000001]',
      "num.json": "12",
    });
    expect((await stat(join(dir, "deep/er"))).mode & 0o777).toBe(0o755 & ~process.umask());
    expect((await stat(join(dir, "plain.txt"))).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it("lets create_files_via_params add and replace files", async () => {
    await runIn('{"source":{"create_files":{"a":"source","b":"source"}},"version":{"version":"4"},"params":{"create_files_via_params":{"b":"params","c":{"k":"v"}}}}');
    expect(await files()).toMatchObject({ a: "source", b: "params", c: '{"k":"v"}' });
  });

  it("turns START_VAR and END_VAR into (( and ))", async () => {
    await runIn('{"source":{"create_files":{"p.yml":"x: START_VARvarEND_VAR START_VARy","o.json":{"k":"START_VARsEND_VAR"}}},"version":{"version":"5"}}');
    expect(await files()).toMatchObject({ "p.yml": "x: ((var)) ((y", "o.json": '{"k":"((s))"}' });
  });

  it("lets a created file replace version", async () => {
    await runIn('{"source":{"create_files":{"version":"custom"}},"version":{"version":"6"}}');
    expect((await files()).version).toBe("custom");
  });

  it.each([["../x"], ["/abs/x"], ["a/../../x"], [""]])("refuses the create_files path %j and writes nothing", async (path) => {
    const stdin = JSON.stringify({ source: { create_files: { ok: "fine", [path]: "no" } }, version: { version: "7" } });
    const message = `create_files: path ${JSON.stringify(path)} escapes the destination directory`;
    await expect(runIn(stdin)).rejects.toMatchObject({ code: "PATH_ESCAPE", message, stderr: logrusLine("error", message), exitCode: 1 });
    expect(await files()).toEqual({});
  });

  it("names create_files_via_params when the bad path came from params", async () => {
    await expect(runIn('{"version":{"version":"7"},"params":{"create_files_via_params":{"../up":"x"}}}')).rejects.toMatchObject({
      message: 'create_files_via_params: path "../up" escapes the destination directory',
    });
  });

  it.each([
    ['{"source":{"mirror_self":true},"version":{"version":"8"}}', "mirror_self"],
    ['{"version":{"version":"8"},"params":{"mirror_self_via_params":true}}', "mirror_self_via_params"],
  ])("refuses %s before writing anything", async (stdin, option) => {
    const err = await runIn(stdin).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "UNSUPPORTED", exitCode: 1 });
    const { message, stderr } = err as { message: string; stderr: string };
    expect(message).toMatch(new RegExp(`^${option} is not supported .*concourse/mock-resource`));
    expect(stderr).toBe(logrusLine("error", message));
    expect(await files()).toEqual({});
  });

  it("overwrites files already in the directory", async () => {
    await writeFile(join(dir, "version"), "old");
    await runIn('{"version":{"version":"9"}}');
    expect((await files()).version).toBe("9\n");
  });
});

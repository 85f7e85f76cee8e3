import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JetwayError } from "../protocol/errors.ts";
import { loadVarFlags, takeVarFlags } from "./var-flags.ts";
import { parseVarRef } from "./var-ref.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jetway-varflags-"));
  await writeFile(join(dir, "a.yml"), "branch: from-a\nretries: 3\nrepo: {uri: https://a}\n");
  await writeFile(join(dir, "b.yml"), "branch: from-b\n");
  await writeFile(join(dir, "list.yml"), "- not a map\n");
  await writeFile(join(dir, "broken.yml"), "a: [\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const lookup = async (argv: string[], name: string) => {
  const vars = await loadVarFlags(takeVarFlags(argv).flags, dir);
  return vars.lookup(parseVarRef(name)!);
};

describe("var flags", () => {
  it("takes the var flags out and leaves the rest in order", () => {
    const r = takeVarFlags(["pipeline.yml", "-v", "a=1", "--yaml-var=b=[1]", "--job", "x", "-l", "f.yml", "--var", "c=="]);
    expect(r.flags).toEqual([
      { kind: "var", arg: "a=1" },
      { kind: "yaml-var", arg: "b=[1]" },
      { kind: "load-vars-from", arg: "f.yml" },
      { kind: "var", arg: "c==" },
    ]);
    expect(r.rest).toEqual(["pipeline.yml", "--job", "x"]);
  });

  it("keeps -v values as strings and reads -y values as YAML", async () => {
    expect(await lookup(["-v", "n=3"], "n")).toEqual({ found: true, value: "3" });
    expect(await lookup(["-y", "n=3"], "n")).toEqual({ found: true, value: 3 });
    expect(await lookup(["-y", "m={a: [1, yes]}"], "m.a")).toEqual({ found: true, value: [1, true] });
    expect(await lookup(["-v", "eq=a=b"], "eq")).toEqual({ found: true, value: "a=b" });
  });

  it("lets flags win over files, -y over -v, and later over earlier", async () => {
    expect(await lookup(["-l", "a.yml", "-l", "b.yml"], "branch")).toEqual({ found: true, value: "from-b" });
    expect(await lookup(["-v", "branch=flag", "-l", "a.yml"], "branch")).toEqual({ found: true, value: "flag" });
    expect(await lookup(["-l", "a.yml", "-l", "b.yml"], "retries")).toEqual({ found: true, value: 3 });
    expect(await lookup(["-v", "x=1", "-v", "x=2"], "x")).toEqual({ found: true, value: "2" });
    // fly applies every -v before every -y
    expect(await lookup(["-y", "x=1", "-v", "x=2"], "x")).toEqual({ found: true, value: 1 });
    expect(await lookup(["-y", "x=1", "-y", "x=2"], "x")).toEqual({ found: true, value: 2 });
  });

  it("refuses bad flags with one line and exit 2", async () => {
    const cases: [string[], string][] = [
      [["-v"], "-v needs a value (NAME=VALUE)"],
      [["-v", "novalue"], '-v "novalue": expected NAME=VALUE with a var name such as name, name.field or source:name'],
      [["-y", "x=[1"], "-y x: YAML: Flow sequence must end with a ]"],
      [["-l", "missing.yml"], "-l missing.yml: cannot read the vars file: no such file"],
      [["-l", "list.yml"], "-l list.yml: a vars file must be a map of name: value"],
      [["-l", "broken.yml"], "-l broken.yml (line 2): YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"],
    ];
    for (const [argv, message] of cases) {
      const thrown = await (async () => loadVarFlags(takeVarFlags(argv).flags, dir))().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(thrown, argv.join(" ")).toBeInstanceOf(JetwayError);
      expect((thrown as JetwayError).message, argv.join(" ")).toBe(message);
      expect((thrown as JetwayError).exitCode).toBe(2);
    }
  });
});

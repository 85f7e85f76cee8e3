import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { JetwayError } from "../../src/protocol/errors.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";

/** The JetwayError a decoder throws, with what the entry point would print and exit with. */
function failure(fn: () => unknown): { stderr: string; exitCode: number; code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof JetwayError)) throw e;
    return { stderr: e.stderr.endsWith("\n") ? e.stderr : e.stderr + "\n", exitCode: e.exitCode, code: e.code, message: e.message };
  }
  throw new Error("expected the decoder to fail");
}

const json = (v: unknown) => JSON.stringify(v);
const hasJq = spawnSync("jq", ["--version"]).status === 0;

describe("unknown keys", () => {
  it("lists unknown source keys in request order, one JSON string per line, exit 1", () => {
    const f = failure(() => decodeCheck(json({ source: { zeta: 1, uri: "x", alpha: 2 } })));
    expect(f.stderr).toBe('Found unknown keys in source:\n"zeta"\n"alpha"\n');
    expect(f.exitCode).toBe(1);
    expect(f.message).not.toContain("\n");
  });

  it("keeps first-insertion order even for integer-like keys (jq, not JS objects)", () => {
    const f = failure(() => decodeCheck('{"source":{"b":1,"10":2,"uri":"x"}}'));
    expect(f.stderr).toBe('Found unknown keys in source:\n"b"\n"10"\n');
  });

  it("takes an array source's indices for keys", () => {
    expect(failure(() => decodeCheck('{"source":[1,2]}')).stderr).toBe("Found unknown keys in source:\n0\n1\n");
  });

  it("checks get and put params, not source, for in and out", () => {
    expect(failure(() => decodeIn(json({ source: { uri: "u", bogus: 1 }, params: { depth: 1, nope: true } }))).stderr).toBe(
      'Found unknown keys in get params:\n"nope"\n',
    );
    expect(failure(() => decodeOut(json({ source: { uri: "u" }, params: { repository: "r", wat: 1 } }))).stderr).toBe(
      'Found unknown keys in put params:\n"wat"\n',
    );
    // an unknown source key is no error for in
    expect(decodeIn(json({ source: { uri: "u", bogus: 1 } })).config.uri).toBe("u");
  });
});

describe("missing uri", () => {
  it("check: source.uri is required (a single leading space is stripped first)", () => {
    for (const source of [{}, { uri: "" }, { uri: " " }, { uri: null }]) {
      const f = failure(() => decodeCheck(json({ source })));
      expect(f.stderr).toBe("source.uri is required and must not be empty\n");
      expect(f.exitCode).toBe(1);
    }
  });

  it("check: an empty stdin is an empty request", () => {
    expect(failure(() => decodeCheck("")).stderr).toBe("source.uri is required and must not be empty\n");
  });

  it("in: prints the payload through `cat $payload`, word by word", () => {
    const f = failure(() => decodeIn('{"source": {}, "params": {}}'));
    expect(f.stderr).toBe(
      "invalid payload (missing uri):\n" +
        "cat: '{\"source\":': No such file or directory\n" +
        "cat: {},: No such file or directory\n" +
        "cat: '\"params\":': No such file or directory\n" +
        "cat: {}}: No such file or directory\n",
    );
    expect(f.exitCode).toBe(1);
    expect(f.message).toBe("invalid payload (missing uri):");
  });

  it.skipIf(spawnSync("cat", ["--version"]).status !== 0)("quotes each word as GNU cat does", () => {
    const words = ['{"a":', "b=c", "~x", "x~", "#y", "y#", "it's", 'q"$', "plain,{}", "tab\tx"];
    const request = `{"source": {"uri": ""}, "x": [${words.map((w) => JSON.stringify(w)).join(", ")}]}`;
    const f = failure(() => decodeIn(request));
    const oracle = spawnSync("cat", request.split(/[ \t\n]+/), { encoding: "utf8", cwd: "/" });
    expect(f.stderr).toBe("invalid payload (missing uri):\n" + oracle.stderr);
  });

  it("out: says so without the payload, then checks branch, repository and push strategy in order", () => {
    expect(failure(() => decodeOut(json({ source: {} }))).stderr).toBe("invalid payload (missing uri)\n");
    expect(failure(() => decodeOut(json({ source: { uri: "u" } }))).stderr).toBe("invalid payload (missing branch)\n");
    expect(failure(() => decodeOut(json({ source: { uri: "u" }, params: { only_tag: true } }))).stderr).toBe(
      "invalid payload (missing repository)\n",
    );
    expect(failure(() => decodeOut(json({ source: { uri: "u", branch: "b" }, params: { repository: "r", merge: true, rebase: "true" } }))).stderr).toBe(
      "invalid push strategy (either merge or rebase can be set, but not both)\n",
    );
    const ok = decodeOut(json({ source: { uri: "u" }, params: { repository: "r", branch: "feature", rebase_strategy_option: ["ours", "patience"] } }));
    expect(ok.config.branch).toBe("feature");
    expect(ok.config.rebaseStrategyOptions).toEqual(["ours", "patience"]);
  });
});

describe("check option conflicts", () => {
  const base = { uri: "https://example.com/r.git" };

  it("refuses tag_filter with tag_regex", () => {
    const f = failure(() => decodeCheck(json({ source: { ...base, tag_filter: "v*", tag_regex: "v.*" } })));
    expect(f.stderr).toBe("Cannot provide both tag_filter and tag_regex\n");
    expect(f.exitCode).toBe(1);
  });

  it("refuses an unknown tag_behaviour", () => {
    expect(failure(() => decodeCheck(json({ source: { ...base, tag_behaviour: "x" } }))).stderr).toBe(
      "Invalid tag_behaviour. Must be one of 'match_tagged' or 'match_tag_ancestors'.\n",
    );
  });

  it("refuses a non-array commit filter and prints it as jq does", () => {
    expect(failure(() => decodeCheck(json({ source: { ...base, commit_filter: { include: "a string, not an array" } } }))).stderr).toBe(
      'invalid commit filter (expected array of strings)\n"a string, not an array"\n',
    );
    expect(failure(() => decodeCheck(json({ source: { ...base, commit_filter: { exclude: { a: [1] } } } }))).stderr).toBe(
      'invalid commit filter (expected array of strings)\n{\n  "a": [\n    1\n  ]\n}\n',
    );
  });

  it("refuses version_depth <= 0 with upstream's (sic) message", () => {
    for (const version_depth of [0, -3, "0"]) {
      expect(failure(() => decodeCheck(json({ source: { ...base, version_depth } }))).stderr).toBe("Invalid version_depth. Must be <= 0.\n");
    }
    expect(decodeCheck(json({ source: { ...base, version_depth: "3" } })).config.versionDepth).toBe(3);
    expect(failure(() => decodeCheck(json({ source: { ...base, version_depth: 1.5 } }))).message).toMatch(/version_depth/);
  });

  it("defers those checks when upstream would answer from ls-remote first", () => {
    const r = decodeCheck(json({ source: { ...base, disable_ci_skip: true, tag_behaviour: "bogus" } }));
    expect(r.config.fastPath).toBe(true);
    expect(r.config.deferredError?.stderr).toBe("Invalid tag_behaviour. Must be one of 'match_tagged' or 'match_tag_ancestors'.\n");
    expect(decodeCheck(json({ source: { ...base, disable_ci_skip: true, paths: ["a"] } })).config.fastPath).toBe(false);
    expect(decodeCheck(json({ source: { ...base, disable_ci_skip: "true", version_depth: 2 } })).config.fastPath).toBe(false);
  });
});

describe("check config", () => {
  it("reads paths and ignore_paths as rev-list's pathspec words", () => {
    const c = decodeCheck(json({ source: { uri: "u", paths: ["src/**", "a b"], ignore_paths: ["docs/*"] }, version: { ref: "abc" } })).config;
    expect(c.pathspec).toEqual(["src/**", "a", "b", ":!docs/*"]);
    expect(c.cursor).toBe("abc");
    expect(decodeCheck(json({ source: { uri: "u" } })).config.pathspec).toBeNull();
    expect(decodeCheck(json({ source: { uri: "u", paths: ["."] } })).config.pathspec).toBeNull();
    expect(decodeCheck(json({ source: { uri: "u", paths: [] } })).config.pathspec).toEqual([]);
  });

  it("splits commit filter items into grep patterns as the quoted loop does", () => {
    const c = decodeCheck(json({ source: { uri: "u", commit_filter: { include: ["feat:  x", "chore\\\\(y"], include_all_match: true } } })).config;
    expect(c.include).toEqual({ patterns: ["feat: x", "chore\\(y"], allMatch: true });
    expect(c.exclude).toEqual({ patterns: [], allMatch: false });
  });

  it("keeps a tag-mode cursor's commit in the version", () => {
    const r = decodeCheck(json({ source: { uri: "u", tag_filter: "v*" }, version: { ref: "v1", commit: "abc" } }));
    expect(r.version).toEqual({ ref: "v1", commit: "abc" });
  });
});

describe("jq's runtime errors end the script with exit 5", () => {
  it("a source with no keys", () => {
    const f = failure(() => decodeCheck('{"source":"abcdefghijklmnopqrstuvwxyz"}'));
    expect(f.stderr).toBe('jq: error (at <stdin>:1): string ("abcdefghij...) has no keys\n');
    expect(f.exitCode).toBe(5);
  });

  it("counts the line the request ended on", () => {
    expect(failure(() => decodeCheck('{\n"source":\n5\n}\n\n')).stderr).toBe("jq: error (at <stdin>:4): number (5) has no keys\n");
  });

  it("paths that cannot be iterated, a version that cannot be indexed", () => {
    expect(failure(() => decodeCheck(json({ source: { uri: "u", paths: "src" } }))).stderr).toBe(
      'jq: error (at <stdin>:1): Cannot iterate over string ("src")\n',
    );
    expect(failure(() => decodeCheck(json({ source: { uri: "u", ignore_paths: [1] } }))).stderr).toBe(
      'jq: error (at <stdin>:1): string (":!") and number (1) cannot be added\n',
    );
    expect(failure(() => decodeCheck(json({ source: { uri: "u" }, version: "abc" }))).stderr).toBe(
      'jq: error (at <stdin>:1): Cannot index string with string "ref"\n',
    );
  });

  it("load_pubkey's reads on a non-object source (four printed, the fifth fatal)", () => {
    const f = failure(() => decodeIn(json({ source: "s" })));
    const keys = ["private_key_user", "forward_agent", "private_key_passphrase", "uri", "private_key"];
    expect(f.stderr).toBe(keys.map((k) => `jq: error (at <stdin>:1): Cannot index string with string "${k}"\n`).join(""));
    expect(f.exitCode).toBe(5);
  });
});

describe("malformed JSON fails as jq 1.6 does", () => {
  const inputs = [
    "{",
    "nope",
    '{"source": {"uri": "x"}',
    '{"a":1,}',
    "[1,]",
    '{"a" 1}',
    '{"a":tru}',
    '"\\x"',
    '{"a":"\u0001"}',
    '{"a":"\\ud800"}',
    "]",
    "}",
    "{1:2}",
    '{"a","b"}',
    '{"a":1} x',
    "\n\n  {\n",
    '{"é":1 "x"}',
  ];

  it("with jq's message and exit 4", () => {
    const f = failure(() => decodeCheck("{"));
    expect(f.stderr).toBe("parse error: Unfinished JSON term at EOF at line 2, column 0\n");
    expect(f.exitCode).toBe(4);
    expect(failure(() => decodeCheck('{"a":1} x')).stderr).toBe("parse error: Invalid numeric literal at line 2, column 0\n");
  });

  it.skipIf(!hasJq)("matching the jq on this machine byte for byte", () => {
    for (const input of inputs) {
      // upstream feeds jq `<<< "$(cat)"`: trailing newlines dropped, one added
      const fed = input.replace(/\n+$/, "") + "\n";
      const oracle = spawnSync("jq", ["."], { input: fed, encoding: "utf8" });
      expect(oracle.status, input).not.toBe(0);
      const f = failure(() => decodeCheck(input));
      expect(f.stderr, input).toBe(oracle.stderr);
      expect(f.exitCode, input).toBe(oracle.status);
    }
  });
});

describe("options not supported natively", () => {
  it("git_crypt_key fails a get but not a check", () => {
    const source = { uri: "https://h/r.git", git_crypt_key: "AAA=" };
    const f = failure(() => decodeIn(json({ source })));
    expect(f.code).toBe("UNSUPPORTED");
    expect(f.message).toMatch(/git_crypt_key is not supported natively.*concourse\/git-resource/);
    expect(decodeCheck(json({ source })).config.uri).toBe("https://h/r.git");
  });

  it("commit verification keys fail a get", () => {
    expect(failure(() => decodeIn(json({ source: { uri: "u", commit_verification_keys: ["k"] } }))).message).toMatch(/commit_verification_keys/);
    expect(failure(() => decodeIn(json({ source: { uri: "u", commit_verification_key_ids: ["id"] } }))).message).toMatch(/commit_verification_key_ids/);
    expect(decodeIn(json({ source: { uri: "u", commit_verification_keys: [] } })).config.ref).toBe("HEAD");
  });

  it("https_tunnel only where git would use SSH", () => {
    const tunnel = { proxy_host: "proxy", proxy_port: 3128 };
    expect(failure(() => decodeCheck(json({ source: { uri: "git@github.com:o/r.git", https_tunnel: tunnel } }))).message).toMatch(/https_tunnel/);
    expect(failure(() => decodeOut(json({ source: { uri: "ssh://h:22/r", branch: "b", https_tunnel: tunnel }, params: { repository: "r" } }))).code).toBe(
      "UNSUPPORTED",
    );
    expect(decodeCheck(json({ source: { uri: "https://h/r.git", https_tunnel: tunnel } })).config.fastPath).toBe(false);
  });

  it("LFS is fine to leave enabled at decode time", () => {
    expect(decodeIn(json({ source: { uri: "u" }, params: { disable_git_lfs: false } })).config.disableGitLfs).toBe(false);
  });
});

describe("in config", () => {
  it("reads upstream's defaults", () => {
    const c = decodeIn(json({ source: { uri: "u" } })).config;
    expect(c).toMatchObject({
      ref: "HEAD",
      depth: 0,
      submodules: "all",
      submoduleRecursive: true,
      submoduleRemote: false,
      tags: "default",
      shortRefFormat: "%s",
      timestampFormat: "iso8601",
      describeRefOptions: "--always --dirty --broken",
      sparsePaths: null,
    });
  });

  it("takes fetch_tags from params, else from source, and tag mode implies tags", () => {
    expect(decodeIn(json({ source: { uri: "u", fetch_tags: true } })).config.tags).toBe("tags");
    expect(decodeIn(json({ source: { uri: "u", fetch_tags: true }, params: { fetch_tags: false } })).config.tags).toBe("no-tags");
    expect(decodeIn(json({ source: { uri: "u", tag_filter: "v*" } })).config.tags).toBe("tags");
  });

  it("reads submodule paths and depth", () => {
    const c = decodeIn(json({ source: { uri: "u" }, params: { submodules: ["a", "b/c"], depth: "5" }, version: { ref: "v1.0" } })).config;
    expect(c.submodules).toEqual(["a", "b/c"]);
    expect(c.depth).toBe(5);
    expect(c.ref).toBe("v1.0");
    expect(failure(() => decodeIn(json({ source: { uri: "u" }, params: { submodules: "abc" } }))).stderr).toBe(
      "parse error: Invalid numeric literal at line 2, column 0\n",
    );
  });
});

describe("the decode-level golden fixtures (test/fixtures/git)", () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test", "fixtures", "git");
  // the fixtures that fail in decoding; the served-repository ones ({{git:...}}) run in test/golden
  const fixtures = readdirSync(dir).filter((f) => f.endsWith(".json") && !readFileSync(join(dir, f), "utf8").includes("{{git:"));
  const decoders = { check: decodeCheck, in: decodeIn, out: decodeOut } as const;

  for (const file of fixtures) {
    it(file, () => {
      const fx = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
        op: keyof typeof decoders;
        request?: unknown;
        stdin?: string;
        expect: { exitCode: number; stderr?: string };
      };
      const stdin = fx.stdin ?? JSON.stringify(fx.request ?? {});
      const f = failure(() => decoders[fx.op](stdin));
      expect(f.exitCode).toBe(fx.expect.exitCode);
      if (fx.expect.stderr !== undefined) expect(f.stderr).toMatch(new RegExp(fx.expect.stderr, "s"));
    });
  }
});

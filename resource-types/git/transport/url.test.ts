import { describe, expect, it } from "vitest";
import { JetwayError } from "../../../src/protocol/errors.ts";
import { parseRemote, redactUri } from "./url.ts";

describe("parseRemote", () => {
  it.each([
    ["https://github.com/org/repo.git", "http"],
    ["http://127.0.0.1:8080/repo", "http"],
    ["ssh://git@github.com/org/repo.git", "ssh"],
    ["git+ssh://host/repo", "ssh"],
    ["git@github.com:org/repo.git", "ssh"],
    ["github.com:org/repo.git", "ssh"],
    ["file:///srv/repo.git", "local"],
    ["/srv/repo.git", "local"],
    ["./repo", "local"],
    ["repo", "local"],
    ["sub/dir:with-colon", "local"],
  ])("%s is %s", (uri, kind) => {
    expect(parseRemote(uri).kind).toBe(kind);
  });

  it("reads user, host, port and path from ssh:// URLs", () => {
    expect(parseRemote("ssh://deploy@example.com:2222/srv/repo.git")).toEqual({
      kind: "ssh",
      user: "deploy",
      host: "example.com",
      port: 2222,
      path: "/srv/repo.git",
    });
    expect(parseRemote("ssh://example.com/~alice/repo.git")).toEqual({ kind: "ssh", host: "example.com", path: "~alice/repo.git" });
    expect(parseRemote("ssh://[::1]:22/r")).toMatchObject({ host: "::1", port: 22, path: "/r" });
  });

  it("keeps scp-style paths as given (relative to the login's home)", () => {
    expect(parseRemote("git@github.com:org/repo.git")).toEqual({ kind: "ssh", user: "git", host: "github.com", path: "org/repo.git" });
    expect(parseRemote("me@[fe80::1]:/abs/repo")).toEqual({ kind: "ssh", user: "me", host: "fe80::1", path: "/abs/repo" });
  });

  it("resolves local paths against the working directory and decodes file:// URLs", () => {
    expect(parseRemote("repo", "/work")).toEqual({ kind: "local", path: "/work/repo" });
    expect(parseRemote("file:///srv/my%20repo")).toEqual({ kind: "local", path: "/srv/my repo" });
    expect(parseRemote("file://localhost/srv/r")).toEqual({ kind: "local", path: "/srv/r" });
  });

  it("refuses what it cannot serve, with one-line typed errors", () => {
    expect(() => parseRemote("")).toThrow("source.uri is required and must not be empty");
    expect(() => parseRemote("git://example.com/repo")).toThrow(JetwayError);
    expect(() => parseRemote("git://example.com/repo")).toThrow(/git:\/\/ protocol is not supported natively/);
    expect(() => parseRemote("file://otherhost/x")).toThrow(/local path/);
  });
});

describe("redactUri", () => {
  it("drops http credentials and ssh passwords, keeps ssh user names", () => {
    expect(redactUri("https://user:s3cret@host/repo.git")).toBe("https://host/repo.git");
    expect(redactUri("https://TOKEN@host/repo.git")).toBe("https://host/repo.git");
    expect(redactUri("ssh://git@host/repo.git")).toBe("ssh://git@host/repo.git");
    expect(redactUri("ssh://git:pw@host/repo.git")).toBe("ssh://host/repo.git");
    expect(redactUri("git@host:repo.git")).toBe("git@host:repo.git");
    expect(redactUri("https://host/a@b")).toBe("https://host/a@b");
  });
});

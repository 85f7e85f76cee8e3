import { describe, expect, it } from "vitest";
import type { S3PutParams, S3Source } from "./decode.ts";
import { remotePath } from "./out.ts";

const source = (over: Partial<S3Source>) => ({ regexp: "", versionedFile: "", ...over }) as S3Source;
const params = (over: Partial<S3PutParams> = {}): S3PutParams => ({ from: "", file: "", to: "", acl: "", contentType: "", ...over });

describe("the key out uploads to", () => {
  it("is versioned_file in versioned mode", () => {
    expect(remotePath(source({ versionedFile: "dir/app.tgz" }), params(), "/src/build/other.tgz", "/src")).toBe("dir/app.tgz");
  });

  it("is the regexp's folder plus the local file's name, unchecked against the regexp", () => {
    expect(remotePath(source({ regexp: "releases/app-(.*).tgz" }), params(), "/src/build/app-1.2.tgz", "/src")).toBe("releases/app-1.2.tgz");
    expect(remotePath(source({ regexp: "releases/app-(.*).tgz" }), params(), "/src/build/other.zip", "/src")).toBe("releases/other.zip");
    expect(remotePath(source({ regexp: "app-(.*).tgz" }), params(), "/src/app-1.tgz", "/src")).toBe("app-1.tgz");
    // upstream keeps an anchor that precedes the folder
    expect(remotePath(source({ regexp: "^dir/(.*)" }), params(), "/src/x", "/src")).toBe("^dir/x");
  });

  it("follows the deprecated to/from", () => {
    expect(remotePath(source({ regexp: "a/(.*)" }), params({ to: "uploads/" }), "/src/b/f.txt", "/src")).toBe("uploads/f.txt");
    expect(remotePath(source({ regexp: "a/(.*)" }), params({ from: "b/(.*).txt", to: "out/$1-x.txt" }), "/src/b/f.txt", "/src")).toBe("out/f-x.txt");
    // Go reads "$1x" as the group named "1x", which does not exist: it expands to nothing
    expect(remotePath(source({ regexp: "a/(.*)" }), params({ from: "b/(.*).txt", to: "out/$1x.txt" }), "/src/b/f.txt", "/src")).toBe("out/.txt");
    expect(remotePath(source({ regexp: "a/(.*)" }), params({ from: "b/(.*).txt", to: "out/${1}x.txt" }), "/src/b/f.txt", "/src")).toBe("out/fx.txt");
  });
});

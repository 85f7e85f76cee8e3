import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveUser } from "./user.ts";

let dir: string;
let files: { passwd: string; group: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jetway-user-"));
  files = { passwd: join(dir, "passwd"), group: join(dir, "group") };
  await writeFile(files.passwd, "# comment\nroot:x:0:0:root:/root:/bin/sh\nbuilder:x:1000:1001::/home/b:/bin/sh\n");
  await writeFile(files.group, "root:x:0:\nbuilders:x:1001:\nstaff:x:50:\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("resolveUser", () => {
  it.each([
    ["builder", { uid: 1000, gid: 1001 }],
    ["1000", { uid: 1000, gid: 1001 }],
    ["builder:staff", { uid: 1000, gid: 50 }],
    ["1000:7", { uid: 1000, gid: 7 }],
    // a uid the host does not know: its own number as gid, not root's group
    ["4242", { uid: 4242, gid: 4242 }],
    ["root", { uid: 0, gid: 0 }],
  ])("%s", (spec, user) => {
    expect(resolveUser(spec, files)).toEqual({ ok: true, user });
  });

  it("names what is missing", () => {
    expect(resolveUser("ghost", files)).toEqual({ ok: false, reason: `user "ghost" is not in ${files.passwd}` });
    expect(resolveUser("builder:ghosts", files)).toEqual({ ok: false, reason: `group "ghosts" is not in ${files.group}` });
  });
});

/**
 * A task's `user` ("name", "uid", "name:group", "uid:gid") resolved against the
 * host's /etc/passwd and /etc/group. Without a group part the gid is the user's
 * primary group, or for a uid the host does not know, the uid itself (Docker
 * would pick group 0, which on a host means root's group).
 */
import { readFileSync } from "node:fs";

export interface HostUser {
  uid: number;
  gid: number;
}

export type UserResolution = { ok: true; user: HostUser } | { ok: false; reason: string };

interface Files {
  passwd: string;
  group: string;
}

const defaultFiles: Files = { passwd: "/etc/passwd", group: "/etc/group" };

export function resolveUser(spec: string, files: Files = defaultFiles): UserResolution {
  const [userPart = "", groupPart] = spec.split(":", 2);
  const passwd = table(files.passwd);
  let uid: number;
  let primaryGid: number | undefined;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    primaryGid = passwd.find((row) => row[2] === uid)?.[3];
  } else {
    const row = passwd.find((r) => r[0] === userPart);
    if (!row) return { ok: false, reason: `user ${JSON.stringify(userPart)} is not in ${files.passwd}` };
    uid = row[2];
    primaryGid = row[3];
  }
  let gid = primaryGid ?? uid;
  if (groupPart !== undefined && groupPart !== "") {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const row = table(files.group).find((r) => r[0] === groupPart);
      if (!row) return { ok: false, reason: `group ${JSON.stringify(groupPart)} is not in ${files.group}` };
      gid = row[2];
    }
  }
  return { ok: true, user: { uid, gid } };
}

/** name:x:id:gid:... rows; ids as numbers (group rows have no 4th number: NaN, unused). */
function table(path: string): Array<[string, string, number, number]> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const f = line.split(":");
      return [f[0] ?? "", f[1] ?? "", Number(f[2]), Number(f[3])];
    });
}

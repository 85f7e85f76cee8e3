/**
 * Who commits, tags and annotates during a put. Upstream's image configures
 * `git <git@localhost>` globally; source.git_config entries are applied with
 * `git config --global` over that, and the repository's own config wins over
 * both. committer.* / author.* beat user.* wherever they are set, as in git.
 * Times come from the operation's clock, in UTC (the image's zone).
 */
import fs from "node:fs";
import git from "isomorphic-git";
import type { Clock } from "../../src/protocol/types.ts";
import type { GitConfigEntry } from "./git-config-entries.ts";

export const IMAGE_IDENTITY = { name: "git", email: "git@localhost" } as const;

export interface Person {
  name: string;
  email: string;
}

export interface Identities {
  author: Person;
  committer: Person;
}

const KEYS = ["user.name", "user.email", "author.name", "author.email", "committer.name", "committer.email"] as const;
type Key = (typeof KEYS)[number];

export async function resolveIdentities(gitdir: string, entries: readonly GitConfigEntry[]): Promise<Identities> {
  const values = new Map<Key, string>([
    ["user.name", IMAGE_IDENTITY.name],
    ["user.email", IMAGE_IDENTITY.email],
  ]);
  for (const e of entries) {
    const key = configKey(e.name);
    if (key) values.set(key, e.value);
  }
  for (const key of KEYS) {
    const local: unknown = await git.getConfig({ fs, gitdir, path: key }).catch(() => undefined);
    if (typeof local === "string") values.set(key, local);
  }
  const pick = (role: "author" | "committer"): Person => ({
    name: values.get(`${role}.name`) ?? values.get("user.name") ?? "",
    email: values.get(`${role}.email`) ?? values.get("user.email") ?? "",
  });
  return { author: pick("author"), committer: pick("committer") };
}

/** Section and key names are case-insensitive in git config; a subsection is not, and none is used here. */
function configKey(name: string): Key | undefined {
  const lower = name.toLowerCase();
  return (KEYS as readonly string[]).includes(lower) ? (lower as Key) : undefined;
}

export function nowSeconds(clock: Clock): number {
  return Number(clock.nowNanos() / 1_000_000_000n);
}

/** An ident line's value ("Name <email> 1700000000 +0000") with git's crud rules applied to name and email. */
export function identLine(person: Person, seconds: number, tz = "+0000"): string {
  return `${withoutCrud(person.name)} <${withoutCrud(person.email)}> ${seconds} ${tz}`;
}

/** git drops '<', '>' and newlines anywhere, and trims "crud" characters from both ends. */
function withoutCrud(s: string): string {
  const crud = (c: string) => c <= " " || ".,:;<>\"\\'".includes(c);
  const cleaned = s.replace(/[<>\n]/g, "");
  let a = 0;
  let b = cleaned.length;
  while (a < b && crud(cleaned[a]!)) a++;
  while (b > a && crud(cleaned[b - 1]!)) b--;
  return cleaned.slice(a, b);
}

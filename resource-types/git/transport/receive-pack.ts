/**
 * The server half of a push, in process, for local repositories: reads the
 * ref commands and the pack, stores the pack (indexed by isomorphic-git, made
 * visible only once complete), updates each ref with a compare-and-swap and
 * answers with report-status. Hooks are not run. Like git's defaults, a
 * non-bare repository refuses updates to its checked-out branch, and
 * receive.denyNonFastForwards / receive.denyDeletes are honoured when set.
 */
import fs from "node:fs";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import git from "isomorphic-git";
import { JetwayError } from "../../../src/protocol/errors.ts";
import { ZERO_OID, type LocalRepo } from "./local-repo.ts";
import { FLUSH, PktReader, collectBytes, pkt, sideband } from "./pktline.ts";
import { updateRef, validRefName } from "./ref-update.ts";

interface Command {
  oldOid: string;
  newOid: string;
  ref: string;
}

const COMMAND = /^([0-9a-f]{40}) ([0-9a-f]{40}) (\S+)$/;

export async function serveReceivePack(repo: LocalRepo, body: AsyncIterable<Uint8Array>): Promise<AsyncGenerator<Uint8Array>> {
  const reader = new PktReader(body);
  const commands: Command[] = [];
  const capabilities = new Set<string>();
  for (;;) {
    const line = await reader.read();
    if (line === undefined || line === null) break;
    let text = line.toString("utf8").replace(/\n$/, "");
    const nul = text.indexOf("\0");
    if (nul !== -1) {
      for (const c of text.slice(nul + 1).split(" ")) if (c !== "") capabilities.add(c);
      text = text.slice(0, nul);
    }
    const m = COMMAND.exec(text);
    if (!m) throw new JetwayError("OPERATION_FAILED", `local receive-pack: malformed command ${JSON.stringify(text.slice(0, 100))}`);
    commands.push({ oldOid: m[1] as string, newOid: m[2] as string, ref: m[3] as string });
  }
  const pack = await collectBytes(reader.rest());

  const report: string[] = [];
  let unpackError: string | undefined;
  if (commands.some((c) => c.newOid !== ZERO_OID)) {
    try {
      await storePack(repo, pack);
    } catch (e) {
      unpackError = oneLine(e);
    }
  }
  report.push(unpackError === undefined ? "unpack ok" : `unpack ${unpackError}`);
  const config = await receiveConfig(repo);
  for (const cmd of commands) {
    const refusal = unpackError !== undefined ? "unpacker error" : await refuse(repo, cmd, config);
    if (refusal !== undefined) {
      report.push(`ng ${cmd.ref} ${refusal}`);
      continue;
    }
    const result = await updateRef(repo, cmd.ref, cmd.oldOid, cmd.newOid);
    report.push(result.ok ? `ok ${cmd.ref}` : `ng ${cmd.ref} ${result.reason}`);
  }

  const status = Buffer.concat([...report.map((l) => pkt(`${l}\n`)), FLUSH]);
  const useSideband = capabilities.has("side-band-64k") || capabilities.has("side-band");
  const reportStatus = capabilities.has("report-status");
  return (async function* respond(): AsyncGenerator<Uint8Array> {
    if (!reportStatus) return;
    if (!useSideband) {
      yield status;
      return;
    }
    yield* sideband(1, status);
    yield FLUSH;
  })();
}

/**
 * Writes the pack where readers cannot see it, indexes it there, then moves
 * pack and index into objects/pack (index last: readers look packs up by index).
 */
async function storePack(repo: LocalRepo, pack: Buffer): Promise<void> {
  if (pack.length === 0) throw new Error("missing pack data");
  if (pack.length < 32 || pack.toString("latin1", 0, 4) !== "PACK") throw new Error("bad pack header");
  if (pack.readUInt32BE(8) === 0) return;
  const sha = pack.subarray(pack.length - 20).toString("hex");
  const incoming = await mkdtemp(join(repo.gitdir, "objects", "incoming-"));
  try {
    const packPath = join(incoming, `pack-${sha}.pack`);
    await writeFile(packPath, pack);
    await git.indexPack({ fs, dir: repo.gitdir, gitdir: repo.gitdir, filepath: relative(repo.gitdir, packPath), cache: repo.cache });
    const dest = join(repo.gitdir, "objects", "pack");
    await fs.promises.mkdir(dest, { recursive: true });
    await rename(packPath, join(dest, `pack-${sha}.pack`));
    await rename(packPath.replace(/\.pack$/, ".idx"), join(dest, `pack-${sha}.idx`));
  } finally {
    await rm(incoming, { recursive: true, force: true });
  }
}

interface ReceiveConfig {
  denyNonFastForwards: boolean;
  denyDeletes: boolean;
}

async function receiveConfig(repo: LocalRepo): Promise<ReceiveConfig> {
  const get = async (path: string): Promise<boolean> => {
    const v: unknown = await git.getConfig({ fs, gitdir: repo.gitdir, path }).catch(() => undefined);
    return v === true || v === "true";
  };
  return { denyNonFastForwards: await get("receive.denyNonFastForwards"), denyDeletes: await get("receive.denyDeletes") };
}

async function refuse(repo: LocalRepo, cmd: Command, config: ReceiveConfig): Promise<string | undefined> {
  if (!validRefName(cmd.ref)) return "funny refname";
  if (!repo.bare) {
    const head = await fs.promises.readFile(join(repo.gitdir, "HEAD"), "utf8").catch(() => "");
    if (head.trim() === `ref: ${cmd.ref}`) return "branch is currently checked out";
  }
  if (cmd.newOid === ZERO_OID) return config.denyDeletes ? "deletion prohibited" : undefined;
  let type: string;
  try {
    type = repo.read(cmd.newOid).type;
  } catch {
    return "missing necessary objects";
  }
  if (cmd.ref.startsWith("refs/heads/") && type !== "commit") return "non-commit object on a branch";
  if (config.denyNonFastForwards && cmd.oldOid !== ZERO_OID && cmd.ref.startsWith("refs/heads/")) {
    const ff = await git
      .isDescendent({ fs, gitdir: repo.gitdir, oid: cmd.newOid, ancestor: cmd.oldOid, depth: -1, cache: repo.cache })
      .catch(() => false);
    if (!ff && cmd.newOid !== cmd.oldOid) return "non-fast-forward";
  }
  return undefined;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").trim();
}

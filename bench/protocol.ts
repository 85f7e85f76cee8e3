/** Rows for the protocol wrapper: the same time check in-process and through child processes. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runOperation } from "../src/protocol/entry.ts";
import { timeType } from "../resource-types/index.ts";
import { median, type BenchRow } from "./lib.ts";

const root = join(import.meta.dirname, "..");
const request = JSON.stringify({ source: { interval: "1m" }, version: { time: "2026-01-01T00:00:00Z" } });

function spawnCheck(command: string, args: string[]): void {
  const r = spawnSync(command, args, { input: request, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
}

export async function protocolRows(runs: number): Promise<BenchRow[]> {
  const inProcess = await median(runs * 10, () =>
    runOperation(timeType, "check", [], { stdin: request, env: {}, writeStdout: () => undefined, writeStderr: () => undefined }),
  );
  const entry = join(root, "dist/resource-types/time/check");
  const entryPoint = await median(runs, () => spawnCheck(entry, []));
  const cli = await median(runs, () => spawnCheck(process.execPath, [join(root, "dist/cli/jetway.js"), "resource", "time", "check"]));
  const bareNode = await median(runs, () => spawnSync(process.execPath, ["-e", "0"]));
  return [
    { name: "time check, entry point (child process)", medianMs: entryPoint, note: "node dist/resource-types/time/check; goal < 60 ms" },
    { name: "time check, in-process", medianMs: inProcess, baseline: "time check, entry point (child process)" },
    { name: "time check, jetway CLI (child process)", medianMs: cli },
    { name: "node -e 0 (start-up floor)", medianMs: bareNode, note: "the cost no entry point can go below" },
  ];
}

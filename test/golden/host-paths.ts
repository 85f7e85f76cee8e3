/** The delivery paths that need nothing but this machine: in-process, the CLI, the built entry points. */
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { runOperation } from "../../src/protocol/entry.ts";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { repoRoot, type DeliveryPath, type RunOutput } from "./harness.ts";

const registry = createDefaultRegistry();

export const inProcessPath: DeliveryPath = {
  name: "in-process",
  available: async () => true,
  async run(type, op, stdin, dir, env) {
    let stdout = "";
    let stderr = "";
    const result = await runOperation(registry.get(type), op, dir === undefined ? [] : [dir], {
      stdin,
      env,
      writeStdout: (t) => (stdout += t),
      writeStderr: (t) => (stderr += t),
    });
    return { exitCode: result.exitCode, stdout, stderr };
  },
};

/** Runs a command with stdin piped and a minimal environment, as Concourse would. */
export function runProcess(command: string, args: string[], stdin: string, env: Record<string, string>): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on("error", () => undefined); // a process may exit before reading stdin
    child.stdin.end(stdin);
  });
}

const built = (file: string) => async (): Promise<true | string> =>
  access(join(repoRoot, file), constants.X_OK).then(
    () => true as const,
    () => `${file} is missing: run npm run build first`,
  );

export const cliPath: DeliveryPath = {
  name: "cli",
  available: built("dist/cli/jetway.js"),
  run: (type, op, stdin, dir, env) =>
    runProcess(process.execPath, [join(repoRoot, "dist/cli/jetway.js"), "resource", type, op, ...(dir ? [dir] : [])], stdin, env),
};

export const entryPointPath: DeliveryPath = {
  name: "entry-point",
  available: built("dist/resource-types/time/check"),
  // executed directly, through its shebang, like /opt/resource/check
  run: (type, op, stdin, dir, env) => runProcess(join(repoRoot, "dist/resource-types", type, op), dir ? [dir] : [], stdin, env),
};

export const hostPaths: readonly DeliveryPath[] = [inProcessPath, cliPath, entryPointPath];

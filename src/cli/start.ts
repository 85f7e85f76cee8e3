import "./zod-config.ts";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { main } from "./main.ts";

const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => controller.abort());

const code = await main(process.argv.slice(2), createDefaultRegistry(), {
  stdinStream: process.stdin,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;

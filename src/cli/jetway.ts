#!/usr/bin/env node
/**
 * The CLI's entry: turns on V8's code cache before anything else is compiled,
 * then loads the CLI. Compiling the modules a command needs is a third of
 * `jetway validate`'s start-up; with the cache (in the OS temp folder, or
 * NODE_COMPILE_CACHE) later runs skip it. Where no cache can be written, Node
 * reports it in the return value and the CLI runs uncached.
 */
import { enableCompileCache } from "node:module";

enableCompileCache?.();
await import("./start.ts");

#!/usr/bin/env node
/**
 * The CLI's entry: turns on V8's code cache before anything else is compiled,
 * then loads the CLI. With the cache (in the OS temp folder, or
 * NODE_COMPILE_CACHE) later runs skip compiling the top level of every module
 * they load: about 13% of `jetway validate`'s time in an A/B run. Where no
 * cache can be written (a read-only image), Node says so in the return value
 * and the CLI runs uncached.
 */
import { enableCompileCache } from "node:module";

enableCompileCache?.();
await import("./start.ts");

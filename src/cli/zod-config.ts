import { config } from "zod";

// A CLI run parses each schema a handful of times: compiling zod's eval'd fast
// path for every object schema costs more than it saves (bench/runner.ts). This
// module is imported first so that it runs before any schema is built.
config({ jitless: true });

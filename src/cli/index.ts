export { main } from "./main.ts";
export type { CliIO } from "./io.ts";

/**
 * The run's output: a BuildRecorder per build that writes the state store and
 * the live output (lines prefixed by build and step, colour on a terminal, a
 * progress line for long gets and puts, secrets redacted even across chunks),
 * and the summary table at the end.
 */
export { BuildOutput, type BuildOutputOptions } from "./recorder.ts";
export { Terminal, type TerminalOptions } from "./terminal.ts";
export { StreamRedactor, secretValues, REDACTED } from "./redactor.ts";
export { LineSplitter } from "./lines.ts";
export { summaryTable, type SummaryRow } from "./summary.ts";
export { replayBuild, type StoredBuild } from "./replay.ts";
export { makeStyle, wantsColor, formatDuration, buildLabel, type Style } from "./style.ts";

/** The process surface a CLI command uses, so commands can run in tests without a child process. */
export interface CliIO {
  stdinStream: NodeJS.ReadableStream;
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
}

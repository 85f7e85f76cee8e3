/** A driver says each kind of limitation once, not once per task. */
export interface OnceWarner {
  (key: string, line: string): void;
}

export function warnOnce(warn: ((line: string) => void) | undefined): OnceWarner {
  const said = new Set<string>();
  return (key, line) => {
    if (said.has(key)) return;
    said.add(key);
    warn?.(line);
  };
}

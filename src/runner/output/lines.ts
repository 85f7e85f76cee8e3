/** Chunks into whole lines: a line may span chunks, a chunk may hold many lines. */
export class LineSplitter {
  #partial = "";

  /** The complete lines in `chunk` (and before it), without their newlines. */
  push(chunk: string): string[] {
    const text = this.#partial + chunk;
    const parts = text.split("\n");
    this.#partial = parts.pop()!;
    return parts.map(stripCR);
  }

  /** What is left of an unfinished last line, if anything. */
  flush(): string[] {
    const rest = this.#partial;
    this.#partial = "";
    return rest === "" ? [] : [stripCR(rest)];
  }
}

// progress bars redraw with \r: keep what the line finally showed
function stripCR(line: string): string {
  const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
  const last = trimmed.lastIndexOf("\r");
  return last === -1 ? trimmed : trimmed.slice(last + 1);
}

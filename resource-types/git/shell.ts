/**
 * The bits of shell syntax upstream's `eval "$list_command"` applies to
 * user-supplied text. Variable and command substitutions are not performed.
 */

/** Inside eval's double quotes a backslash before $ ` " \\ or a newline is consumed. */
export function evalDoubleQuoted(s: string): string {
  return s.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === "\n" ? "" : c));
}

/**
 * `echo "-- $paths $ignore_paths" | tr "\n\r" " "`, then eval with globbing
 * off: whitespace splits fields, and quotes/backslashes are shell syntax.
 */
export function shellFields(s: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  const flat = s.replace(/[\n\r]/g, " ");
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < flat.length && '$`"\\'.includes(flat[i + 1]!)) word += flat[++i];
      else word += c;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      inWord = true;
      if (c === "'" || c === '"') quote = c;
      else if (c === "\\" && i + 1 < flat.length) word += flat[++i];
      else word += c;
    }
  }
  if (inWord) words.push(word);
  return words;
}

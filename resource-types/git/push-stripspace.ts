/**
 * git's stripspace, which cleans tag annotations and notes read with -F:
 * trailing whitespace goes from every line, runs of blank lines collapse to
 * one, blank lines at either end go, and the text ends with a newline (empty
 * text stays empty). With `stripComments`, lines starting with '#' go first,
 * as `git tag`'s default cleanup does.
 */
export function stripspace(text: string, stripComments = false): string {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  let out = "";
  let blanks = 0;
  for (const line of lines) {
    if (stripComments && line.startsWith("#")) continue;
    const trimmed = line.replace(/[ \t\n\v\f\r]+$/, "");
    if (trimmed === "") {
      blanks++;
      continue;
    }
    if (blanks > 0 && out !== "") out += "\n";
    blanks = 0;
    out += trimmed + "\n";
  }
  return out;
}

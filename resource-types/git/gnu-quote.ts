/**
 * How GNU coreutils quotes a file name in its error messages (gnulib's
 * shell-escape style with colons quoted too): bare when harmless, else in
 * single quotes, else in double quotes, else single quotes with '\'' splices.
 */

// `#` and `~` only matter first; braces and commas never do
const SPECIAL = /[\s!"$&'()*;<=>?[\\\]^`|:]|^[#~]/;

export function gnuQuoteFileName(name: string): string {
  if (name !== "" && !SPECIAL.test(name)) return name;
  if (!name.includes("'")) return `'${name}'`;
  if (!/["$`\\!]/.test(name)) return `"${name}"`;
  return `'${name.replaceAll("'", "'\\''")}'`;
}

/** What `cat $payload` prints when every word of the request is taken for a file name. */
export function catMissingFiles(payload: string): string[] {
  return payload
    .split(/[ \t\n]+/)
    .filter((w) => w !== "")
    .map((w) => `cat: ${gnuQuoteFileName(w)}: No such file or directory`);
}

/**
 * The `url` metadata: a web link to the commit when the origin looks like a
 * GitHub, Gogs, GitLab or Bitbucket remote, by upstream's rules: the remote
 * must start with http(s)://, ssh://git@ or git@; the host is everything up to
 * the first slash (port and user included), an scp-style `git@host:org`
 * moves `org` into the path, and one trailing ".git" goes.
 */

export function commitUrl(remote: string | undefined, commit: string): string | undefined {
  if (!remote) return undefined;
  const m = /^(https?:\/\/|ssh:\/\/git@|git@)([^/]+)\/([\s\S]*)$/.exec(remote);
  if (!m) return undefined;
  let host = m[2]!;
  let path = m[3]!.endsWith(".git") ? m[3]!.slice(0, -4) : m[3]!;
  if (m[1] === "git@" && host.includes(":")) {
    path = `${host.slice(host.indexOf(":") + 1)}/${path}`;
    host = host.slice(0, host.indexOf(":"));
  }
  // the first pattern that matches wins, as in the script's `case`
  if (host.includes("github") || host.includes("gogs")) return `https://${host}/${path}/commit/${commit}`;
  if (host.includes("gitlab")) return `https://${host}/${path}/-/commit/${commit}`;
  if (host.includes("bitbucket")) return `https://${host}/${path}/commits/${commit}`;
  return undefined;
}

/**
 * The fixture repository over SSH: OpenSSH's sshd on a loopback port
 * (test/support/git-servers.ts) serving a copy of the repository git-remote.ts
 * builds, so `{{git:rev:...}}` names the same commits. Started on first use,
 * once per test process. Fixtures name it `{{git:ssh_uri}}` and the keys
 * `{{git:ssh_key}}` (one the server accepts) and `{{git:ssh_wrong_key}}` (a
 * valid key it does not know).
 */
import { join } from "node:path";
import { gitCli, startSshServer, type SshServer } from "../support/git-servers.ts";

export interface GitSshRemote {
  expand(arg: string): string | undefined;
}

let started: Promise<{ remote: GitSshRemote; ssh: SshServer }> | undefined;

async function start(bare: string): Promise<{ remote: GitSshRemote; ssh: SshServer }> {
  const ssh = await startSshServer();
  const copy = join(ssh.root, "repo.git");
  gitCli(ssh.root, ["clone", "-q", "--bare", "--no-local", bare, copy]);
  ssh.adopt(copy);
  const values: Record<string, string> = {
    ssh_uri: `ssh://${ssh.user}@${ssh.host}:${ssh.port}${copy}`,
    ssh_key: ssh.keys.plain,
    ssh_wrong_key: ssh.keys.wrong,
  };
  return { ssh, remote: { expand: (arg) => values[arg] } };
}

/** `bare`: the served fixture repository to copy. */
export async function gitSshRemote(bare: string): Promise<GitSshRemote> {
  started ??= start(bare);
  return (await started).remote;
}

export async function closeGitSshRemote(): Promise<void> {
  if (!started) return;
  const { ssh } = await started.catch(() => ({ ssh: undefined }));
  started = undefined;
  await ssh?.close();
}

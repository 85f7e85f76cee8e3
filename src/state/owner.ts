/**
 * Who runs a build: a process on a host. A build whose owner process is gone
 * is errored by the next jetway that opens the state. A pid alone could be
 * reused by an unrelated process, so on Linux the process's start time (from
 * /proc) is part of its identity.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface Owner {
  pid: number;
  host: string;
  /** the process's start time in clock ticks since boot, where /proc has it */
  processStart: string | undefined;
}

export function currentOwner(): Owner {
  return { pid: process.pid, host: hostname(), processStart: processStart(process.pid) };
}

/** Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses, so count from its end. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * "alive", "dead", or "unknown" for another host's process (a state dir on a
 * shared disk): jetway cannot tell, so such builds are left as they are.
 */
export function ownerLiveness(owner: Owner, here: string = hostname()): "alive" | "dead" | "unknown" {
  if (owner.host !== here) return "unknown";
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: the pid exists but belongs to another user
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return "dead";
  }
  if (owner.processStart !== undefined) {
    const now = processStart(owner.pid);
    if (now !== undefined && now !== owner.processStart) return "dead";
  }
  return "alive";
}

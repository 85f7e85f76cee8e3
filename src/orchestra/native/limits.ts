/**
 * What a host process can be held to without cgroups (which a driver cannot
 * count on being allowed to create):
 * - memory: RLIMIT_DATA through util-linux `prlimit`, wrapped around the
 *   program. It caps private writable memory (heap, anonymous mappings), so an
 *   allocation past it fails inside the task (no OOM kill). RLIMIT_AS would be
 *   closer to a cgroup limit in name but counts reserved address space: Node
 *   does not even start under 2 GiB of it.
 * - cpu: Concourse's cpu shares become a nice value through coreutils `nice`
 *   (each nice step is ~1.25x in the kernel's CFS weights; 1024 shares = nice
 *   0). Shares above 1024 would need a negative nice, i.e. more than the
 *   driver's own priority: not done. Both wrappers exec the program, so the
 *   limits hold from its first instruction and the exit code is its own.
 */

/** nice value for CFS cpu shares: 1024 -> 0, 512 -> 3, 128 -> 9, clamped to 0..19. */
export function niceForCpuShares(shares: number): number {
  if (shares >= 1024) return 0;
  const steps = Math.round(Math.log(1024 / shares) / Math.log(1.25));
  return Math.min(19, Math.max(0, steps));
}

/** argv prefix that runs a program under a data-segment limit of `bytes`. */
export function memoryLimitPrefix(prlimit: string, bytes: number): string[] {
  return [prlimit, `--data=${bytes}`, "--"];
}

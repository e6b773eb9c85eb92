// Test support: the stress-ng arguments of the tests' memory loads.

/**
 * A process of `mib` MiB of anonymous memory, written once and then held without using CPU, for
 * `seconds`. `--vm-hang 0` makes the worker sleep once the memory is written; without it stress-ng
 * rewrites the pages for as long as it runs, a whole core busy for nothing a memory figure needs
 * (~200 core-seconds of a full host suite, and a vCPU of the emulated v2 VM). The kernel's usage and
 * working set are the same either way: resident anonymous pages.
 */
export function heldMemoryLoad(mib: number, seconds: number): string[] {
  return ['--vm', '1', '--vm-bytes', `${mib}M`, '--vm-keep', '--vm-hang', '0', '--timeout', `${seconds}s`, '--quiet'];
}

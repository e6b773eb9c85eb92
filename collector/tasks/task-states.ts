// Task states of one cgroup, counted from /proc/<tid>/stat as cAdvisor's container_tasks_state
// reports them (cAdvisor asks the kernel's netlink cgroupstats, which needs CAP_NET_ADMIN and a
// v1 cgroup path; /proc works on v1 and v2). One stat read per task: bounded, slow cadence.

import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { TasksState } from '../model/sample.js';

/**
 * The state letter of a /proc/<pid>/stat line: the first field after the command's closing
 * parenthesis (the command may itself contain spaces and parentheses).
 */
export function parseStatState(text: string): string | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const state = text.charAt(close + 2);
  return /^[A-Za-z]$/.test(state) ? state : undefined;
}

/**
 * Maps letters as the kernel's cgroupstats_build() classifies tasks: R running, S sleeping,
 * D uninterruptible, T stopped. I (idle kernel threads), Z, X, t are in no class there, and
 * "iowait" (tasks with in_iowait set) is invisible in /proc, so it stays 0.
 */
export function tallyStates(letters: Iterable<string>, truncated = false): TasksState {
  let running = 0, sleeping = 0, stopped = 0, uninterruptible = 0, counted = 0;
  for (const letter of letters) {
    counted++;
    if (letter === 'R') running++;
    else if (letter === 'S') sleeping++;
    else if (letter === 'D') uninterruptible++;
    else if (letter === 'T') stopped++;
  }
  return { running, sleeping, stopped, uninterruptible, iowaiting: 0, counted, truncated };
}

const statBuffer = Buffer.allocUnsafe(1024);

function readState(procRoot: string, tid: string): string | undefined {
  let fd = -1;
  try {
    // /proc/<tid>/stat answers for any thread id, not only thread-group leaders.
    fd = openSync(join(procRoot, tid, 'stat'), 'r');
    const n = readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return parseStatState(statBuffer.toString('latin1', 0, n));
  } catch {
    return undefined; // exited between the list and the read
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Counts the states of the thread ids listed in `tasksText` (v1 `tasks`, v2 `cgroup.threads`),
 * reading at most `limit` of them. Returns the tally and how many stat files were read.
 */
export function countTaskStates(tasksText: string, procRoot: string, limit: number): { state: TasksState; reads: number } {
  const letters: string[] = [];
  let reads = 0;
  let truncated = false;
  for (const line of tasksText.split('\n')) {
    const tid = line.trim();
    if (tid === '') continue;
    if (reads >= limit) {
      truncated = true;
      break;
    }
    reads++;
    const state = readState(procRoot, tid);
    if (state !== undefined) letters.push(state);
  }
  return { state: tallyStates(letters, truncated), reads };
}

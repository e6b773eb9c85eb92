// The shape of a Plan (plain data: printed by --dry-run, carried to applyPlan) and the context the
// per-controller planners share: where the target's files are, reading them, host facts.

import { join } from 'node:path';
import { LimitError } from './errors.js';
import type { AllowedFile, Expectation, LimitController } from './files.js';
import { readHostFacts, type HostFacts } from './host-facts.js';
import type { LimitRequest } from './request.js';
import { readKernelFile } from './safe-path.js';
import type { ControllerHome, Target } from './target.js';

/** After a write, wait until `file` reads `until` (freezing is not instant). */
export interface Settle {
  readonly file: string;
  /** A whole line of the file that must be present (`frozen 1`, `FROZEN`). */
  readonly until: string;
  /** Write the value again while waiting (v1 freezer can stall in FREEZING, runc does the same). */
  readonly rewrite: boolean;
  readonly timeoutMs: number;
}

export interface PlannedWrite {
  /** The user's word for what changes: `memory`, `cpus`, `io-read-bps vda`, `freeze`. */
  readonly knob: string;
  readonly controller: LimitController;
  readonly dir: string;
  readonly file: AllowedFile;
  /** The relevant text before (trimmed; one device's line for throttle files). */
  readonly old: string;
  /** Exactly what is written. */
  readonly text: string;
  /** What restores the old state if a later write fails. */
  readonly rollbackText: string;
  readonly expect: Expectation;
  readonly settle?: Settle;
}

export type LimitAction = 'limit' | 'freeze' | 'thaw';

export interface Plan {
  readonly action: LimitAction;
  readonly target: Target;
  readonly writes: readonly PlannedWrite[];
  /** Said to the user; a warning that needed --force says so. */
  readonly warnings: readonly string[];
}

export interface PlanOptions {
  /** Allows a memory limit below current usage. */
  readonly force: boolean;
  /** Host facts (tests pass their own); read from the target's host root when absent. */
  readonly facts?: HostFacts;
}

/** Shared state of one planning pass: where files are, what was read, what will be written. */
export class PlanContext {
  readonly writes: PlannedWrite[] = [];
  readonly warnings: string[] = [];
  private factsCache?: HostFacts;

  constructor(readonly target: Target, readonly request: LimitRequest, readonly options: PlanOptions) {
    this.factsCache = options.facts;
  }

  get facts(): HostFacts {
    return (this.factsCache ??= readHostFacts(this.target.hostRoot, this.target.procRoot));
  }

  /** The controller's home, or a refusal naming the knob and what the host lacks. */
  home(controller: LimitController, knob: string): ControllerHome {
    const home = this.target.homes[controller];
    if (home === undefined) {
      throw new LimitError('unsupported', `--${knob}: ${this.target.path} has no ${controller} directory on this host (${this.target.mode}); the ${controller} controller is not mounted or not enabled for it`);
    }
    return home;
  }

  /** A kernel file's text, or a refusal when the file is absent. */
  read(home: ControllerHome, file: string, knob: string): string {
    const text = readKernelFile(home.dir, file);
    if (text === undefined) {
      throw new LimitError('unsupported', `--${knob}: ${join(home.dir, file)} does not exist${home.version === 2 ? ' (is the controller enabled in the parent\'s cgroup.subtree_control?)' : ''}`);
    }
    return text;
  }

  /** A file that may be absent (memsw without swap accounting). */
  readOptional(home: ControllerHome, file: string): string | undefined {
    return readKernelFile(home.dir, file);
  }

  add(write: Omit<PlannedWrite, 'dir'> & { home: ControllerHome }): void {
    const { home, ...rest } = write;
    this.writes.push({ ...rest, dir: home.dir });
  }
}

/** `-1` on v1, `max` on v2: the kernel's word for no limit in each file set. */
export function unlimitedText(version: 1 | 2): string {
  return version === 1 ? '-1' : 'max';
}

export function numberOrMax(value: number | 'max', version: 1 | 2): string {
  return value === 'max' ? unlimitedText(version) : String(value);
}

// applyPlan: performs a Plan's writes in order, reads every file back, and on the first refusal or
// mismatch restores what was already changed, newest first (the reverse of an order the kernel
// accepted is one it accepts too). Every write, failure and restore goes to the audit log.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditLog, targetOf, type Actor, type AuditOutcome } from './audit.js';
import { LimitError } from './errors.js';
import { checkReadBack } from './files.js';
import { kernelRefusal, readBackMismatch } from './kernel-errors.js';
import type { LimitAction, Plan, PlannedWrite, Settle } from './plan-context.js';
import { readKernelFile, writeKernelFile } from './safe-path.js';

export interface WriteResult {
  readonly knob: string;
  /** Absolute path of the file. */
  readonly file: string;
  readonly old: string;
  readonly new: string;
  /** What the file reads after the write (after a rollback: after the restore). */
  readonly effective?: string;
  readonly outcome: Exclude<AuditOutcome, 'refused'> | 'not-reached';
}

export interface ApplyResult {
  readonly ok: boolean;
  readonly action: LimitAction;
  readonly target: { readonly query: string; readonly id: string; readonly name: string; readonly path: string };
  readonly writes: readonly WriteResult[];
  readonly warnings: readonly string[];
  /** Why it failed; every change before it was rolled back. */
  readonly error?: LimitError;
}

export interface ApplyOptions {
  readonly audit: AuditLog;
  readonly actor: Actor;
}

interface Done {
  readonly write: PlannedWrite;
  /** The kernel took the write (it may still have read back wrong): a rollback restores it. */
  written: boolean;
  effective?: string;
  outcome: WriteResult['outcome'];
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const { audit, actor } = options;
  audit.ensureWritable(); // before the first write: a change that cannot be logged is not made
  const target = targetOf(plan.target, plan.target.query);
  const log = (write: PlannedWrite, outcome: AuditOutcome, text: string, effective?: string, reason?: string) =>
    audit.record(actor, {
      action: plan.action, target, file: join(write.dir, write.file), old: write.old, new: text.trim(),
      ...(effective !== undefined ? { effective } : {}), outcome, ...(reason ? { reason } : {}),
    });
  const done: Done[] = [];
  let error: LimitError | undefined;
  for (const write of plan.writes) {
    const entry: Done = { write, written: false, outcome: 'failed' };
    done.push(entry);
    try {
      writeKernelFile(write.dir, write.file, write.text);
      // From here on a failure must undo this write too.
      entry.written = true;
      if (write.settle) await settle(write, write.settle);
      const check = checkReadBack(write.expect, readKernelFile(write.dir, write.file) ?? '');
      entry.effective = check.effective;
      if (!check.ok) throw readBackMismatch(write, check.effective);
      entry.outcome = 'applied';
      log(write, 'applied', write.text, check.effective);
    } catch (err) {
      if (err instanceof LimitError) error = err;
      else if ((err as NodeJS.ErrnoException).code !== undefined) error = kernelRefusal(err, write, usageHint(write));
      else throw err; // a bug, not the kernel: let it surface
      entry.effective ??= readRelevant(write);
      log(write, 'failed', write.text, entry.effective, error.message);
      break;
    }
  }
  if (error) await rollback(done, log);
  const reached = new Set(done.map((d) => d.write));
  const writes: WriteResult[] = [
    ...done.map((d) => ({
      knob: d.write.knob, file: join(d.write.dir, d.write.file), old: d.write.old, new: d.write.text.trim(),
      ...(d.effective !== undefined ? { effective: d.effective } : {}), outcome: d.outcome,
    })),
    ...plan.writes.filter((w) => !reached.has(w)).map((w) => ({
      knob: w.knob, file: join(w.dir, w.file), old: w.old, new: w.text.trim(), outcome: 'not-reached' as const,
    })),
  ];
  return {
    ok: error === undefined,
    action: plan.action,
    target: { query: plan.target.query, id: plan.target.identity.id, name: plan.target.identity.name, path: plan.target.path },
    writes,
    warnings: plan.warnings,
    ...(error ? { error } : {}),
  };
}

type Log = (write: PlannedWrite, outcome: AuditOutcome, text: string, effective?: string, reason?: string) => void;

/** Restores, newest first, every write that went through. A failed restore is logged and reported. */
async function rollback(done: Done[], log: Log): Promise<void> {
  for (const entry of [...done].reverse()) {
    if (!entry.written) continue;
    const { write } = entry;
    try {
      writeKernelFile(write.dir, write.file, write.rollbackText);
      if (write.settle && write.rollbackText.trim() !== write.text.trim()) {
        // Thawing back after a failed freeze: wait until the kernel says so.
        await settle(write, { ...write.settle, until: write.settle.file === 'cgroup.events' ? `frozen ${write.rollbackText.trim()}` : write.rollbackText.trim(), rewrite: false }).catch(() => undefined);
      }
      entry.effective = readRelevant(write);
      entry.outcome = 'rolled-back';
      log(write, 'rolled-back', write.rollbackText, entry.effective);
    } catch (err) {
      entry.outcome = 'rollback-failed';
      log(write, 'rollback-failed', write.rollbackText, undefined, (err as Error).message);
    }
  }
}

/** The relevant part of a file now (a device's line for throttle files), for reports. */
function readRelevant(write: PlannedWrite): string | undefined {
  try {
    const text = readKernelFile(write.dir, write.file);
    return text === undefined ? undefined : checkReadBack(write.expect, text).effective;
  } catch {
    return undefined; // the cgroup may be gone; the report says what it can
  }
}

function usageHint(write: PlannedWrite): string | undefined {
  if (write.file !== 'memory.limit_in_bytes' && write.file !== 'memory.memsw.limit_in_bytes') return undefined;
  const usage = readKernelFile(write.dir, write.file === 'memory.limit_in_bytes' ? 'memory.usage_in_bytes' : 'memory.memsw.usage_in_bytes')?.trim();
  return usage ? `usage is ${usage} bytes` : undefined;
}

/** Polls until `settle.file` has the line `settle.until` (freezing is asynchronous). */
async function settle(write: PlannedWrite, s: Settle): Promise<void> {
  const deadline = Date.now() + s.timeoutMs;
  for (let round = 0; ; round++) {
    const text = readKernelFile(write.dir, s.file) ?? '';
    if (text.split('\n').some((line) => line.trim() === s.until)) return;
    if (Date.now() > deadline) {
      throw new LimitError('kernel', `${join(write.dir, s.file)} did not reach ${JSON.stringify(s.until)} within ${s.timeoutMs}ms (reads ${JSON.stringify(text.trim())}); a task may be stuck in the kernel. The change was undone`, join(write.dir, s.file));
    }
    // v1 can stall in FREEZING while tasks fork; writing FROZEN again lets it finish (as runc does).
    if (s.rewrite && round % 5 === 4) writeKernelFile(write.dir, write.file, write.text);
    await sleep(Math.min(50, 2 + round * 2));
  }
}

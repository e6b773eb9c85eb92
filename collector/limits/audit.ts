// The audit log: one JSON line per attempted change of a kernel file (applied, failed, rolled back)
// and per refused request, with who asked (user/uid, via the CLI or the API) and what the target
// was. Appended with O_APPEND, one write per line, so concurrent cgmeter processes never interleave.

import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { LimitError } from './errors.js';
import type { LimitAction } from './plan-context.js';
import type { Target } from './target.js';

export const DEFAULT_AUDIT_LOG = '/var/lib/cgmeter/audit.log';

export type AuditOutcome = 'applied' | 'failed' | 'rolled-back' | 'rollback-failed' | 'refused';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['applied', 'failed', 'rolled-back', 'rollback-failed', 'refused'];

/** Who asked: the CLI's user, or an API client (the token holder) from an address. */
export interface Actor {
  readonly via: 'cli' | 'http';
  /** The OS user of the cgmeter process (and SUDO_USER when run through sudo). */
  readonly user: string;
  readonly uid: number;
  readonly sudoUser?: string;
  readonly remote?: string;
}

export interface AuditEntry {
  readonly time: string;
  readonly user: string;
  readonly uid: number;
  readonly sudoUser?: string;
  readonly via: 'cli' | 'http';
  readonly remote?: string;
  readonly action: LimitAction;
  readonly target: { readonly query: string; readonly id?: string; readonly name?: string; readonly runtime?: string; readonly path?: string };
  /** Absolute path of the kernel file (absent for a refusal before any file was chosen). */
  readonly file?: string;
  readonly old?: string;
  readonly new?: string;
  /** What the file read after the write. */
  readonly effective?: string;
  readonly outcome: AuditOutcome;
  /** Why it was refused or failed. */
  readonly reason?: string;
}

/** Counts entries by outcome (the Prometheus counter of metrics.ts, or a test double). */
export interface OutcomeCounter {
  inc(outcome: AuditOutcome): void;
}

export function cliActor(): Actor {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = `uid:${process.getuid?.() ?? -1}`; // no passwd entry (containers)
  }
  const sudoUser = process.env.SUDO_USER || undefined;
  return { via: 'cli', user, uid: process.getuid?.() ?? -1, ...(sudoUser ? { sudoUser } : {}) };
}

export function targetOf(target: Target | undefined, query: string): AuditEntry['target'] {
  if (!target) return { query };
  return { query, id: target.identity.id, name: target.identity.name, runtime: target.identity.runtime, path: target.path };
}

export class AuditLog {
  private ready = false;

  constructor(readonly path: string, private readonly counter?: OutcomeCounter) {}

  /**
   * Makes sure the log can be appended to, before any kernel file is touched: a change that
   * cannot be logged is not made.
   */
  ensureWritable(): void {
    if (this.ready) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o750 });
      closeSync(openSync(this.path, 'a', 0o640));
      this.ready = true;
    } catch (err) {
      throw new LimitError('unsupported', `cannot write the audit log ${this.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); no change made. Pass --audit-log PATH to log elsewhere`);
    }
  }

  record(actor: Actor, entry: Omit<AuditEntry, 'time' | 'user' | 'uid' | 'sudoUser' | 'via' | 'remote'>): void {
    const full: AuditEntry = {
      time: new Date().toISOString(),
      user: actor.user,
      uid: actor.uid,
      ...(actor.sudoUser ? { sudoUser: actor.sudoUser } : {}),
      via: actor.via,
      ...(actor.remote ? { remote: actor.remote } : {}),
      ...entry,
    };
    this.counter?.inc(entry.outcome);
    this.ensureWritable();
    appendFileSync(this.path, `${JSON.stringify(full)}\n`, { mode: 0o640 });
  }

  /**
   * Logs a refusal; when the log itself is unwritable (a non-root user's typo) the refusal still
   * reaches the user and the caller gets the reason to print, instead of a second error.
   */
  recordRefusal(actor: Actor, action: LimitAction, target: AuditEntry['target'], reason: string): string | undefined {
    try {
      this.record(actor, { action, target, outcome: 'refused', reason });
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }
}

// The dashboard's only way to change a container: `e` (edit a limit), `f`/`u` (freeze/thaw) go
// through this interface, implemented on the limits library (collector/limits), which resolves,
// validates, writes, reads back and logs. The dashboard never writes a kernel file itself.

import type { LimitResource, Target } from '../model/ui-state.js';

export interface ActionResult {
  readonly ok: boolean;
  /** Shown in the status line, e.g. "memory limit of web: 256M (kernel reads 268435456)". */
  readonly message: string;
}

export interface LimitActions {
  /** Why actions cannot run here (no limits library, remote or replay source), or undefined when they can. */
  readonly unavailableReason?: string;
  /** `value`: cores for cpu, bytes for memory, a count for pids; Infinity = unlimited. */
  setLimit(target: Target, resource: LimitResource, value: number): Promise<ActionResult>;
  freeze(target: Target): Promise<ActionResult>;
  thaw(target: Target): Promise<ActionResult>;
}

/** For sources that cannot act (remote, replay) and until the limits library exists. */
export function unavailableLimitActions(reason: string): LimitActions {
  const refuse = async (): Promise<ActionResult> => ({ ok: false, message: reason });
  return { unavailableReason: reason, setLimit: refuse, freeze: refuse, thaw: refuse };
}

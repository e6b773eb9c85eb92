// Freeze and thaw: v1 freezer.state (FROZEN / THAWED), v2 cgroup.freeze (1 / 0). Both are a plan of
// one write that then waits for the kernel to get there: v1 reads FREEZING until every task has
// stopped, v2 says `frozen 1` in cgroup.events.

import { LimitError } from './errors.js';
import { PlanContext, type LimitAction, type Plan } from './plan-context.js';
import { EMPTY_REQUEST } from './request.js';
import type { Target } from './target.js';

export const DEFAULT_FREEZE_TIMEOUT_MS = 10_000;

export function planFreeze(target: Target, action: Exclude<LimitAction, 'limit'>, timeoutMs = DEFAULT_FREEZE_TIMEOUT_MS): Plan {
  const ctx = new PlanContext(target, EMPTY_REQUEST, { force: false, facts: { onlineCpus: [], onlineNodes: [], blockDevices: new Map() } });
  const home = ctx.home('freezer', action);
  const freeze = action === 'freeze';
  if (home.version === 1) {
    const old = ctx.read(home, 'freezer.state', action).trim();
    const want = freeze ? 'FROZEN' : 'THAWED';
    ctx.add({
      knob: action, controller: 'freezer', home, file: 'freezer.state', old, text: want,
      // A failed freeze must not leave the tasks half frozen (runc thaws back too).
      rollbackText: old === 'FROZEN' ? 'FROZEN' : 'THAWED',
      expect: { kind: 'text', value: want },
      settle: { file: 'freezer.state', until: want, rewrite: freeze, timeoutMs },
    });
  } else {
    if (target.path === '/') throw new LimitError('unsupported', 'the root cgroup cannot be frozen on cgroup v2');
    const old = ctx.read(home, 'cgroup.freeze', action).trim();
    const want = freeze ? '1' : '0';
    ctx.add({
      knob: action, controller: 'freezer', home, file: 'cgroup.freeze', old, text: want, rollbackText: old,
      expect: { kind: 'text', value: want },
      settle: { file: 'cgroup.events', until: `frozen ${want}`, rewrite: false, timeoutMs },
    });
  }
  return { action, target, writes: ctx.writes, warnings: ctx.warnings };
}

// planLimits: a LimitRequest for a resolved Target → the exact writes, in an order the kernel
// accepts, each with the text to restore and what the file must read afterwards. Reads kernel files,
// writes none; every value is checked against the host here, so a refused request changes nothing.

import { LimitError } from './errors.js';
import type { LimitRequest } from './request.js';
import type { Target } from './target.js';
import { PlanContext, type Plan, type PlanOptions } from './plan-context.js';
import { planMemory } from './plan-memory.js';
import { planCpu, planCpuset } from './plan-cpu.js';
import { planIo, planPids } from './plan-io.js';

export type { Plan, PlanOptions, PlannedWrite, LimitAction, Settle } from './plan-context.js';

export function planLimits(target: Target, request: LimitRequest, options: PlanOptions): Plan {
  const ctx = new PlanContext(target, request, options);
  // Order across controllers: the ones that cannot hurt the running processes first, memory last,
  // so that the write most likely to be refused (EBUSY on a v1 limit below usage) is followed by
  // nothing and precedes a rollback of everything else.
  planCpuset(ctx);
  planCpu(ctx);
  planPids(ctx);
  planIo(ctx);
  planMemory(ctx);
  if (ctx.writes.length === 0) {
    throw new LimitError('input', 'nothing to change (the limits named are not set on this cgroup)');
  }
  return { action: 'limit', target, writes: ctx.writes, warnings: ctx.warnings };
}

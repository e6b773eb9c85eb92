// CPU bandwidth (--cpus, --cpu-period), weight (--cpu-weight / --cpu-shares) and cpuset.
// v1: cpu.cfs_quota_us + cpu.cfs_period_us (two writes), cpu.shares; v2: cpu.max ("quota period",
// one write), cpu.weight; the shares↔weight conversion is the one the collector reports with.

import { dirname } from 'node:path';
import { sharesToWeight, weightToShares } from '../counters/assemble.js';
import { LimitError } from './errors.js';
import type { PlanContext } from './plan-context.js';
import { readKernelFile } from './safe-path.js';
import type { ControllerHome } from './target.js';
import { expandList } from './values.js';

const DEFAULT_PERIOD_US = 100_000;
const MIN_QUOTA_US = 1000;
const DEFAULT_SHARES = 1024;
const DEFAULT_WEIGHT = 100;

function parseInteger(text: string, file: string): number {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) throw new Error(`unexpected text in ${file}: ${JSON.stringify(text)}`);
  return Number(t);
}

export function planCpu(ctx: PlanContext): void {
  const r = ctx.request;
  const bandwidth = r.cpus !== undefined || r.cpuPeriodUs !== undefined;
  const weight = r.cpuWeight !== undefined || r.cpuShares !== undefined;
  if (!bandwidth && !weight) return;
  const home = ctx.home('cpu', r.cpus !== undefined ? 'cpus' : r.cpuPeriodUs !== undefined ? 'cpu-period' : r.cpuWeight !== undefined ? 'cpu-weight' : 'cpu-shares');
  if (bandwidth) planBandwidth(ctx, home);
  if (weight) planWeight(ctx, home);
}

function planBandwidth(ctx: PlanContext, home: ControllerHome): void {
  const r = ctx.request;
  let curQuota: number | 'max';
  let curPeriod: number;
  if (home.version === 1) {
    const q = parseInteger(ctx.read(home, 'cpu.cfs_quota_us', 'cpus'), 'cpu.cfs_quota_us');
    curQuota = q < 0 ? 'max' : q;
    curPeriod = parseInteger(ctx.read(home, 'cpu.cfs_period_us', 'cpus'), 'cpu.cfs_period_us');
  } else {
    const [q, p] = ctx.read(home, 'cpu.max', 'cpus').trim().split(/\s+/);
    curQuota = q === 'max' ? 'max' : parseInteger(q!, 'cpu.max');
    curPeriod = parseInteger(p ?? String(DEFAULT_PERIOD_US), 'cpu.max');
  }
  const newPeriod = r.cpuPeriodUs === 'default' ? DEFAULT_PERIOD_US : r.cpuPeriodUs ?? curPeriod;
  let newQuota: number | 'max';
  if (r.cpus === 'max') newQuota = 'max';
  else if (r.cpus !== undefined) newQuota = Math.round(r.cpus * newPeriod);
  // A new period alone keeps the number of cores, not the µs of quota (--cpu-period 50ms on a
  // 0.3-core limit stays 0.3 core).
  else newQuota = curQuota === 'max' ? 'max' : Math.round((curQuota / curPeriod) * newPeriod);
  if (newQuota !== 'max') {
    const cores = newQuota / newPeriod;
    const cpus = ctx.facts.onlineCpus.length;
    if (cores > cpus + 1e-9) {
      throw new LimitError('input', `--cpus ${round(cores)} is more than this host's ${cpus} online CPU${cpus === 1 ? '' : 's'}; give at most ${cpus}`);
    }
    if (newQuota < MIN_QUOTA_US) {
      throw new LimitError('input', `--cpus ${round(cores)} with a ${newPeriod / 1000}ms period is a quota of ${newQuota}µs; the kernel's minimum is 1ms (--cpus ${round(MIN_QUOTA_US / newPeriod)} at this period)`);
    }
  }
  if (home.version === 2) {
    const text = `${newQuota} ${newPeriod}`;
    ctx.add({
      knob: 'cpus', controller: 'cpu', home, file: 'cpu.max', old: `${curQuota} ${curPeriod}`, text,
      rollbackText: `${curQuota} ${curPeriod}`, expect: { kind: 'cpu.max', quotaUs: newQuota, periodUs: newPeriod },
    });
    return;
  }
  const quotaText = newQuota === 'max' ? '-1' : String(newQuota);
  const oldQuotaText = curQuota === 'max' ? '-1' : String(curQuota);
  const quotaWrite = () => ctx.add({
    knob: 'cpus', controller: 'cpu', home, file: 'cpu.cfs_quota_us', old: oldQuotaText, text: quotaText,
    rollbackText: oldQuotaText, expect: { kind: 'number', value: newQuota === 'max' ? -1 : newQuota },
  });
  const periodWrite = () => ctx.add({
    knob: 'cpu-period', controller: 'cpu', home, file: 'cpu.cfs_period_us', old: String(curPeriod), text: String(newPeriod),
    rollbackText: String(curPeriod), expect: { kind: 'number', value: newPeriod },
  });
  const quotaChanges = r.cpus !== undefined || newQuota !== curQuota;
  if (newPeriod === curPeriod) {
    if (quotaChanges) quotaWrite();
    return;
  }
  if (!quotaChanges) {
    periodWrite();
    return;
  }
  // The kernel checks quota/period against the parent's limit after each write; take the order
  // whose in-between ratio is the smaller one (old quota over new period, or new quota over old).
  const periodFirst = newQuota === 'max' ? false : curQuota === 'max' ? true : curQuota / newPeriod <= newQuota / curPeriod;
  if (periodFirst) {
    periodWrite();
    quotaWrite();
  } else {
    quotaWrite();
    periodWrite();
  }
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function planWeight(ctx: PlanContext, home: ControllerHome): void {
  const r = ctx.request;
  if (home.version === 1) {
    const shares = r.cpuShares !== undefined
      ? (r.cpuShares === 'default' ? DEFAULT_SHARES : r.cpuShares)
      : (r.cpuWeight === 'default' ? DEFAULT_SHARES : weightToShares(r.cpuWeight!));
    const old = ctx.read(home, 'cpu.shares', 'cpu-shares').trim();
    ctx.add({
      knob: r.cpuShares !== undefined ? 'cpu-shares' : 'cpu-weight', controller: 'cpu', home, file: 'cpu.shares',
      old, text: String(shares), rollbackText: old, expect: { kind: 'number', value: shares },
    });
    return;
  }
  const weight = r.cpuWeight !== undefined
    ? (r.cpuWeight === 'default' ? DEFAULT_WEIGHT : r.cpuWeight)
    : (r.cpuShares === 'default' ? DEFAULT_WEIGHT : sharesToWeight(r.cpuShares!));
  const old = ctx.read(home, 'cpu.weight', 'cpu-weight').trim();
  ctx.add({
    knob: r.cpuWeight !== undefined ? 'cpu-weight' : 'cpu-shares', controller: 'cpu', home, file: 'cpu.weight',
    old, text: String(weight), rollbackText: old, expect: { kind: 'number', value: weight },
  });
}

export function planCpuset(ctx: PlanContext): void {
  const r = ctx.request;
  for (const [knob, file, value] of [['cpuset-cpus', 'cpuset.cpus', r.cpusetCpus], ['cpuset-mems', 'cpuset.mems', r.cpusetMems]] as const) {
    if (value === undefined) continue;
    const home = ctx.home('cpuset', knob);
    const old = ctx.read(home, file, knob).trim();
    // What the parent allows: v1 children must stay within the parent's list; v2 within its effective one.
    const parentDir = ctx.target.path === '/' ? undefined : dirname(home.dir);
    const parentText = parentDir === undefined ? undefined
      : readKernelFile(parentDir, home.version === 2 ? `${file}.effective` : file);
    const online = knob === 'cpuset-cpus' ? ctx.facts.onlineCpus : ctx.facts.onlineNodes;
    const allowed = parentText !== undefined ? expandList(parentText) : [...online];
    let text: string;
    if (value === 'all') {
      // v2: an empty list means "all the parent has"; v1 needs the parent's list written out.
      text = home.version === 2 ? '' : (parentText?.trim() ?? online.join(','));
    } else {
      const what = knob === 'cpuset-cpus' ? 'CPU' : 'memory node';
      for (const n of expandList(value)) {
        if (!online.includes(n)) throw new LimitError('input', `--${knob} ${value}: ${what} ${n} is not online on this host (online: ${compact(online)})`);
        if (!allowed.includes(n)) throw new LimitError('input', `--${knob} ${value}: ${what} ${n} is outside the parent cgroup's ${file} (${compact(allowed)}), which the kernel refuses`);
      }
      text = value;
    }
    ctx.add({
      knob, controller: 'cpuset', home, file, old, text: text === '' ? '\n' : text,
      rollbackText: old === '' ? '\n' : old, expect: text === '' ? { kind: 'text', value: '' } : { kind: 'list', value: text },
    });
  }
}

function compact(list: readonly number[]): string {
  return list.length === 0 ? 'none' : list.join(',');
}

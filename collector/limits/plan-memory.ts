// Memory limits: --memory, --memory-high, --memory-swap on v1 (limit_in_bytes, soft_limit_in_bytes,
// memsw.limit_in_bytes) and v2 (memory.max, memory.high, memory.swap.max).
// v1's kernel keeps memory.limit ≤ memory.memsw.limit at every instant (EINVAL otherwise), so the
// order of the two writes is chosen from the current values: memsw first when raising, memory first
// when lowering (runc's setMemoryAndSwap does the same).

import { LimitError } from './errors.js';
import { parseBytesText } from './files.js';
import { numberOrMax, type PlanContext } from './plan-context.js';
import type { ControllerHome } from './target.js';

type Bytes = number | 'max';

const asNumber = (v: Bytes): number => (v === 'max' ? Infinity : v);

function fmt(v: Bytes | undefined): string {
  if (v === undefined) return '?';
  if (v === 'max') return 'no limit';
  return v % (1024 * 1024) === 0 ? `${v / (1024 * 1024)}MiB` : `${v} bytes`;
}

/** Current bytes of a limit file; a file the kernel wrote in a form we do not know is a bug report. */
function current(ctx: PlanContext, home: ControllerHome, file: string, knob: string): Bytes {
  const text = ctx.read(home, file, knob);
  const value = parseBytesText(text);
  if (value === undefined) throw new Error(`unexpected text in ${home.dir}/${file}: ${JSON.stringify(text)}`);
  return value;
}

/** A limit below what the cgroup uses now: v1 reclaims or answers EBUSY, v2 reclaims or OOM-kills. */
function checkUsage(ctx: PlanContext, home: ControllerHome, usageFile: string, limit: Bytes, knob: string): void {
  if (limit === 'max') return;
  const usage = parseBytesText(ctx.readOptional(home, usageFile) ?? '');
  if (typeof usage !== 'number' || usage <= limit) return;
  const warning = `--${knob} ${fmt(limit)} is below the current usage of ${ctx.target.path} (${fmt(Math.round(usage / 1048576) * 1048576)}, ${usage} bytes): the kernel will reclaim memory and may OOM-kill processes${home.version === 1 ? ' or refuse the write (EBUSY)' : ''}`;
  if (!ctx.options.force) throw new LimitError('needs-force', `${warning}; pass --force to do it anyway`);
  ctx.warnings.push(warning);
}

export function planMemory(ctx: PlanContext): void {
  const r = ctx.request;
  if (r.memoryBytes === undefined && r.memoryHighBytes === undefined && r.memorySwapBytes === undefined) return;
  const knob = r.memoryBytes !== undefined ? 'memory' : r.memorySwapBytes !== undefined ? 'memory-swap' : 'memory-high';
  const home = ctx.home('memory', knob);
  if (home.version === 1) planV1(ctx, home);
  else planV2(ctx, home);
}

function planV1(ctx: PlanContext, home: ControllerHome): void {
  const r = ctx.request;
  const curMem = current(ctx, home, 'memory.limit_in_bytes', 'memory');
  const memswText = ctx.readOptional(home, 'memory.memsw.limit_in_bytes');
  const curMemsw = memswText === undefined ? undefined : parseBytesText(memswText);
  let newMemsw = r.memorySwapBytes;
  if (newMemsw !== undefined && curMemsw === undefined) {
    throw new LimitError('unsupported', `--memory-swap: this kernel has no swap accounting (${home.dir}/memory.memsw.limit_in_bytes is absent; boot with swapaccount=1)`);
  }
  // Removing the memory limit while memsw stays below it would be refused: lift memsw too, as runc does.
  if (r.memoryBytes === 'max' && newMemsw === undefined && curMemsw !== undefined && curMemsw !== 'max') {
    newMemsw = 'max';
    ctx.warnings.push('--unset memory also removes the memory+swap limit (v1 keeps memsw ≥ memory)');
  }
  const newMem = r.memoryBytes;
  const finalMem = newMem ?? curMem;
  const finalMemsw = newMemsw ?? curMemsw;
  if (newMemsw !== undefined && newMemsw !== 'max') {
    if (finalMem === 'max') throw new LimitError('input', '--memory-swap limits memory plus swap and needs a memory limit; give --memory too');
    if (newMemsw < finalMem) throw new LimitError('input', `--memory-swap (${fmt(newMemsw)}) is memory plus swap and must be at least the memory limit (${fmt(finalMem)})`);
  }
  if (newMem !== undefined && newMemsw === undefined && finalMemsw !== undefined && asNumber(finalMem) > asNumber(finalMemsw)) {
    throw new LimitError('input', `--memory ${fmt(finalMem)} is above the memory+swap limit ${fmt(finalMemsw)} (memory.memsw.limit_in_bytes), which the kernel refuses; raise --memory-swap too or --unset memory-swap`);
  }
  if (newMem !== undefined) checkUsage(ctx, home, 'memory.usage_in_bytes', newMem, 'memory');
  const memWrite = () => newMem !== undefined && ctx.add({
    knob: 'memory', controller: 'memory', home, file: 'memory.limit_in_bytes', old: numberOrMax(curMem, 1),
    text: numberOrMax(newMem, 1), rollbackText: numberOrMax(curMem, 1), expect: { kind: 'bytes', value: newMem },
  });
  const memswWrite = () => newMemsw !== undefined && ctx.add({
    knob: 'memory-swap', controller: 'memory', home, file: 'memory.memsw.limit_in_bytes', old: numberOrMax(curMemsw!, 1),
    text: numberOrMax(newMemsw, 1), rollbackText: numberOrMax(curMemsw!, 1), expect: { kind: 'bytes', value: newMemsw },
  });
  // memory first if the new memory limit fits under the current memsw; else memsw first (it then
  // fits over the current memory, since new memory ≤ new memsw).
  if (newMem === undefined || curMemsw === undefined || asNumber(newMem) <= asNumber(curMemsw)) {
    memWrite();
    memswWrite();
  } else {
    memswWrite();
    memWrite();
  }
  if (r.memoryHighBytes !== undefined) {
    const curSoft = current(ctx, home, 'memory.soft_limit_in_bytes', 'memory-high');
    ctx.add({
      knob: 'memory-high', controller: 'memory', home, file: 'memory.soft_limit_in_bytes', old: numberOrMax(curSoft, 1),
      text: numberOrMax(r.memoryHighBytes, 1), rollbackText: numberOrMax(curSoft, 1), expect: { kind: 'bytes', value: r.memoryHighBytes },
    });
  }
}

function planV2(ctx: PlanContext, home: ControllerHome): void {
  const r = ctx.request;
  const curMax = current(ctx, home, 'memory.max', 'memory');
  if (r.memoryBytes !== undefined) {
    checkUsage(ctx, home, 'memory.current', r.memoryBytes, 'memory');
    ctx.add({
      knob: 'memory', controller: 'memory', home, file: 'memory.max', old: numberOrMax(curMax, 2),
      text: numberOrMax(r.memoryBytes, 2), rollbackText: numberOrMax(curMax, 2), expect: { kind: 'bytes', value: r.memoryBytes },
    });
  }
  if (r.memorySwapBytes !== undefined) {
    const swapText = ctx.readOptional(home, 'memory.swap.max');
    if (swapText === undefined) throw new LimitError('unsupported', `--memory-swap: this kernel has no swap accounting (${home.dir}/memory.swap.max is absent)`);
    const curSwap = parseBytesText(swapText) ?? 'max';
    let swap: Bytes = 'max';
    if (r.memorySwapBytes !== 'max') {
      // docker's meaning: memory plus swap. v2 limits swap alone, so swap.max = total − memory.
      const memory = r.memoryBytes ?? curMax;
      if (memory === 'max') throw new LimitError('input', '--memory-swap limits memory plus swap and needs a memory limit; give --memory too');
      if (r.memorySwapBytes < memory) throw new LimitError('input', `--memory-swap (${fmt(r.memorySwapBytes)}) is memory plus swap and must be at least the memory limit (${fmt(memory)})`);
      swap = r.memorySwapBytes - memory;
    }
    ctx.add({
      knob: 'memory-swap', controller: 'memory', home, file: 'memory.swap.max', old: numberOrMax(curSwap, 2),
      text: numberOrMax(swap, 2), rollbackText: numberOrMax(curSwap, 2), expect: { kind: 'bytes', value: swap },
    });
  }
  if (r.memoryHighBytes !== undefined) {
    const curHigh = current(ctx, home, 'memory.high', 'memory-high');
    // memory.high below usage throttles the cgroup into reclaim at once: same rule as memory.max.
    checkUsage(ctx, home, 'memory.current', r.memoryHighBytes, 'memory-high');
    ctx.add({
      knob: 'memory-high', controller: 'memory', home, file: 'memory.high', old: numberOrMax(curHigh, 2),
      text: numberOrMax(r.memoryHighBytes, 2), rollbackText: numberOrMax(curHigh, 2), expect: { kind: 'bytes', value: r.memoryHighBytes },
    });
  }
}

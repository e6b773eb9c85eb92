// Block I/O throttling (--io-{read,write}-{bps,iops} DEV=VALUE) and --pids.
// v1 has one file per kind (blkio.throttle.read_bps_device …) holding `MAJ:MIN value` lines, where
// writing 0 removes a device's limit; v2 has io.max with `MAJ:MIN rbps=… wbps=… riops=… wiops=…`
// lines, one write per device, `max` removing a limit.

import { LimitError } from './errors.js';
import { deviceFields, deviceLine, type AllowedFile, type DeviceKey } from './files.js';
import type { PlanContext } from './plan-context.js';
import { resolveBlockDevice } from './devices.js';
import type { IoField, IoLimitRequest } from './request.js';
import type { ControllerHome } from './target.js';

const V1_FILES: Record<IoField, AllowedFile> = {
  readBps: 'blkio.throttle.read_bps_device',
  writeBps: 'blkio.throttle.write_bps_device',
  readIops: 'blkio.throttle.read_iops_device',
  writeIops: 'blkio.throttle.write_iops_device',
};
const V2_KEYS: Record<IoField, DeviceKey> = { readBps: 'rbps', writeBps: 'wbps', readIops: 'riops', writeIops: 'wiops' };
const KNOB_NAMES: Record<IoField, string> = {
  readBps: 'io-read-bps', writeBps: 'io-write-bps', readIops: 'io-read-iops', writeIops: 'io-write-iops',
};

/** `*` (unset without a device) → every device that has this kind of limit now. */
function expand(ctx: PlanContext, home: ControllerHome, limit: IoLimitRequest, fileText: (field: IoField) => string): Array<{ devno: string; label: string }> {
  if (limit.device !== '*') {
    const device = resolveBlockDevice(limit.device, ctx.facts.blockDevices);
    return [{ devno: device.devno, label: device.name ?? device.devno }];
  }
  const key = home.version === 1 ? 'value' : V2_KEYS[limit.field];
  const out: Array<{ devno: string; label: string }> = [];
  for (const line of fileText(limit.field).split('\n')) {
    const devno = line.trim().split(/\s+/)[0];
    if (!devno || !/^\d+:\d+$/.test(devno)) continue;
    const value = deviceFields(line.trim())[key];
    if (value !== undefined && value !== 'max' && value !== 0) out.push({ devno, label: ctx.facts.blockDevices.get(devno) ?? devno });
  }
  if (out.length === 0) ctx.warnings.push(`--unset ${KNOB_NAMES[limit.field]}: no device has such a limit; nothing to remove`);
  return out;
}

export function planIo(ctx: PlanContext): void {
  const limits = ctx.request.io;
  if (limits.length === 0) return;
  const home = ctx.home('io', KNOB_NAMES[limits[0]!.field]);
  if (home.version === 1) {
    const texts = new Map<IoField, string>();
    const fileText = (field: IoField) => {
      if (!texts.has(field)) texts.set(field, ctx.read(home, V1_FILES[field], KNOB_NAMES[field]));
      return texts.get(field)!;
    };
    for (const limit of limits) {
      for (const { devno, label } of expand(ctx, home, limit, fileText)) {
        const file = V1_FILES[limit.field];
        const oldLine = deviceLine(fileText(limit.field), devno);
        const oldValue = deviceFields(oldLine).value;
        const value = limit.value === 'max' ? 0 : limit.value;
        ctx.add({
          knob: `${KNOB_NAMES[limit.field]} ${label}`, controller: 'io', home, file,
          old: oldLine ?? `${devno} (no limit)`, text: `${devno} ${value}`,
          rollbackText: `${devno} ${oldValue === undefined || oldValue === 'max' ? 0 : oldValue}`,
          expect: { kind: 'device', device: devno, fields: { value: limit.value } },
        });
      }
    }
    return;
  }
  // v2: gather every change of one device into one io.max write.
  const ioMax = ctx.read(home, 'io.max', KNOB_NAMES[limits[0]!.field]);
  const byDevice = new Map<string, { label: string; fields: Partial<Record<DeviceKey, number | 'max'>>; knobs: string[] }>();
  for (const limit of limits) {
    for (const { devno, label } of expand(ctx, home, limit, () => ioMax)) {
      const entry = byDevice.get(devno) ?? { label, fields: {}, knobs: [] };
      entry.fields[V2_KEYS[limit.field]] = limit.value;
      entry.knobs.push(KNOB_NAMES[limit.field]);
      byDevice.set(devno, entry);
    }
  }
  for (const [devno, { label, fields, knobs }] of byDevice) {
    const oldLine = deviceLine(ioMax, devno);
    const old = deviceFields(oldLine);
    const restore = (['rbps', 'wbps', 'riops', 'wiops'] as const).map((k) => `${k}=${old[k] ?? 'max'}`).join(' ');
    ctx.add({
      knob: `${knobs.join(',')} ${label}`, controller: 'io', home, file: 'io.max',
      old: oldLine ?? `${devno} (no limit)`,
      text: `${devno} ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      rollbackText: `${devno} ${restore}`,
      expect: { kind: 'device', device: devno, fields },
    });
  }
}

export function planPids(ctx: PlanContext): void {
  const value = ctx.request.pidsMax;
  if (value === undefined) return;
  const home = ctx.home('pids', 'pids');
  const old = ctx.read(home, 'pids.max', 'pids').trim();
  const currentText = ctx.readOptional(home, 'pids.current')?.trim();
  if (value !== 'max' && currentText !== undefined && Number(currentText) > value) {
    ctx.warnings.push(`--pids ${value} is below the ${currentText} tasks ${ctx.target.path} has now: they keep running, but every fork fails until some exit`);
  }
  if (value !== 'max' && !Number.isInteger(value)) throw new LimitError('input', `--pids must be a whole number, got ${value}`);
  ctx.add({
    knob: 'pids', controller: 'pids', home, file: 'pids.max', old, text: String(value),
    rollbackText: old, expect: { kind: 'text', value: String(value) },
  });
}

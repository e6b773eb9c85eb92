// systemd units of the system manager. Only units whose ancestors are all slices are claimed:
// that is where systemd itself puts them, and there a unit name is unique on the host. The same
// names below a container or a delegated service (`docker-<id>.scope/init.scope`,
// `user@1000.service/app.slice`) would collide across containers or users, so they stay `raw`.

import type { RuntimeModule } from '../../model/identity.js';
import { claimableSegments } from '../cgroup-path.js';
import { NO_LABELS } from '../identity-builders.js';

// The unit types that own cgroups (mount, swap and socket units do while their helpers run).
// Characters: systemd's unit-name alphabet plus `\` for its \x2d escapes; `@` for instances.
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+\.(?:service|scope|slice|socket|mount|swap)$/;
const SLICE_NAME = /^[A-Za-z0-9:_.\\@-]+\.slice$/;
/** systemd refuses longer unit names (UNIT_NAME_MAX). */
const UNIT_NAME_MAX = 255;

export const systemdModule: RuntimeModule = {
  name: 'systemd',
  identify(cgroupPath) {
    const segments = claimableSegments(cgroupPath);
    if (segments === undefined) return undefined;
    const unit = segments[segments.length - 1]!;
    if (unit.length > UNIT_NAME_MAX || !UNIT_NAME.test(unit)) return undefined;
    if (!segments.slice(0, -1).every((parent) => SLICE_NAME.test(parent))) return undefined;
    return { runtime: 'systemd', id: unit, name: unit, labels: NO_LABELS, kind: 'unit' };
  },
};

#!/usr/bin/env bash
# npm run test:v2 — runs the kernel-facing integration tests (vitest.v2.config.ts) inside a throw-away
# pure cgroup v2 VM (../shared/tools/v2vm), with this project directory shared in at /host.
# Streams the guest's vitest output and exits with its status (124 timeout, 125 VM failure).
#   CGMETER_SHARED_DIR  where shared/ is (default: <repo root>/../shared)
#   extra vitest arguments are passed through, e.g. `npm run test:v2 -- test/integration/kernel-kit.test.ts`
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd -P))
shared=${CGMETER_SHARED_DIR:-$root/../shared}
vm=$shared/tools/v2vm/run-in-v2vm.sh
if [ ! -f "$vm" ]; then
  echo "test:v2: $vm not found; set CGMETER_SHARED_DIR to the directory holding tools/v2vm" >&2
  exit 2
fi

# Host environment the guest needs: CI decides skip-or-fail in test/helpers; CGMETER_TEST_* scale loads.
passenv="CI $(compgen -e | grep -E '^CGMETER_TEST_' | tr '\n' ' ' || true)"
export V2VM_PASSENV="${V2VM_PASSENV:-} $passenv"

# In the guest the vitest bin is called directly: npx (the npm CLI) alone takes 10-20 s to start under TCG.
args=''
for a in "$@"; do args+=" $(printf '%q' "$a")"; done

echo "=== test:v2: cgroup v2 VM run (shared ${root} at /host; host kernel $(uname -r)) ==="
start=$(date +%s)
rc=0
bash "$vm" "$root" "echo \"=== test:v2: inside the pure cgroup v2 VM: kernel \$(uname -r), \$(nproc) vCPUs, cgroup2 controllers: \$(cat /sys/fs/cgroup/cgroup.controllers) ===\"
exec node_modules/.bin/vitest run --config vitest.v2.config.ts$args" || rc=$?
echo "=== test:v2: cgroup v2 VM run finished: exit $rc after $(( $(date +%s) - start )) s ==="
exit "$rc"

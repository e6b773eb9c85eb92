#!/usr/bin/env bash
# npm run test:v2 — runs the kernel-facing integration tests (vitest.v2.config.ts) inside a throw-away
# pure cgroup v2 VM (../shared/tools/v2vm), with this project directory shared in at /host.
# Streams the guest's vitest output and exits with its status (124 timeout, 125 VM failure).
#   CGMETER_SHARED_DIR  where shared/ is (default: <repo root>/../shared, else beside a local origin)
#   extra vitest arguments are passed through, e.g. `npm run test:v2 -- test/integration/kernel-kit.test.ts`
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd -P))
# shared/ sits beside the repository; a throw-away clone (git clone /work/main /tmp/fresh) finds it
# beside its origin instead.
origin=$(git -C "$root" config --get remote.origin.url 2>/dev/null || true); origin=${origin#file://}
vm=
for shared in ${CGMETER_SHARED_DIR:+"$CGMETER_SHARED_DIR"} "$root/../shared" ${origin:+"$origin/../shared"}; do
  if [ -f "$shared/tools/v2vm/run-in-v2vm.sh" ]; then vm=$shared/tools/v2vm/run-in-v2vm.sh; break; fi
done
if [ -z "$vm" ]; then
  echo "test:v2: no shared/tools/v2vm/run-in-v2vm.sh beside $root${origin:+ or $origin}; set CGMETER_SHARED_DIR" >&2
  exit 2
fi

# Host environment the guest needs: CI decides skip-or-fail in test/helpers; CGMETER_TEST_* scale loads.
passenv="CI $(compgen -e | grep -E '^CGMETER_TEST_' | tr '\n' ' ' || true)"
export V2VM_PASSENV="${V2VM_PASSENV:-} $passenv"
# 2 GiB rather than the tool's 1 GiB: a 200 MiB load, Prometheus, serve and vitest (each node process
# compiling TypeScript with tsx) run at once in some files; the host has memory to spare.
export V2VM_MEM="${V2VM_MEM:-2048}"

# In the guest the vitest bin is called directly: npx (the npm CLI) alone takes 10-20 s to start under TCG.
args=''
for a in "$@"; do args+=" $(printf '%q' "$a")"; done

echo "=== test:v2: cgroup v2 VM run (shared ${root} at /host; host kernel $(uname -r)) ==="
start=$(date +%s)
rc=0
bash "$vm" "$root" "echo \"=== test:v2: inside the pure cgroup v2 VM: kernel \$(uname -r), \$(nproc) vCPUs, cgroup2 controllers: \$(cat /sys/fs/cgroup/cgroup.controllers) ===\"
ip link set lo up 2>/dev/null || true  # servers under test listen on 127.0.0.1
exec node_modules/.bin/vitest run --config vitest.v2.config.ts$args" || rc=$?
echo "=== test:v2: cgroup v2 VM run finished: exit $rc after $(( $(date +%s) - start )) s ==="
exit "$rc"

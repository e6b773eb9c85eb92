#!/usr/bin/env bash
# npm test (after npm run build): the host suite (vitest, this hybrid v1 kernel) and the v2 suite
# (test/v2/run.sh, the same kernel-facing tests in a pure cgroup v2 VM) at the same time.
# Why at once: one after the other they took 12 + 7.5 minutes on this 2-core machine, and most of
# both is waiting (loads of a known length, sampling intervals, servers starting), not CPU. Tests
# that measure CPU raise their load's weight (cpu.shares / cpu.weight) so neighbours — the VM
# included — cannot starve them.
# The VM's output is kept in a file and printed after the host suite, so the two never interleave.
# Exits non-zero when either suite fails; prints both closing lines (`host: …`, `v2: …`) last.
set -uo pipefail
cd "$(dirname "$0")/.."

v2log=$(mktemp /tmp/cgmeter-v2-XXXXXX.log)
hostlog=$(mktemp /tmp/cgmeter-host-XXXXXX.log)
# Its own session: an interrupted run kills the whole group, QEMU included.
setsid bash test/v2/run.sh > "$v2log" 2>&1 &
v2pid=$!
cleanup() {
  # An interrupted run (Ctrl-C, CI timeout) must not leave the VM behind.
  if kill -0 "$v2pid" 2>/dev/null; then kill -TERM -- "-$v2pid" 2>/dev/null; fi
  rm -f "$v2log" "$hostlog"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "=== npm test: host suite here, v2 suite in the VM at the same time (its log follows the host's) ==="
node_modules/.bin/vitest run 2>&1 | tee "$hostlog"
host=${PIPESTATUS[0]}
echo "=== npm test: host suite finished (exit $host); waiting for the v2 VM suite ==="
wait "$v2pid"
v2=$?
cat "$v2log"
echo
echo "npm test: host suite exit $host, v2 suite exit $v2"
grep -E '^host: [0-9]+ passed' "$hostlog" | tail -1 || echo 'host: no closing line (vitest did not finish)'
grep -E '^v2: [0-9]+ passed' "$v2log" | tail -1 || echo 'v2: no closing line (the VM run failed before vitest finished)'
[ "$host" -eq 0 ] && [ "$v2" -eq 0 ]

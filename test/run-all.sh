#!/usr/bin/env bash
# npm test (after npm run build): the host suite (vitest, this hybrid v1 kernel), then the v2 suite
# (test/v2/run.sh: the kernel-facing tests again, in a pure cgroup v2 VM). Both always run, so one
# red suite does not hide the other's result; the exit status is non-zero when either failed, and
# the two closing lines (`host: …`, `v2: …`) are repeated at the very end.
# Not at the same time: tried, and the emulated VM (TCG, both cores) and the host suite slowed each
# other down so much (host 12 → 15 min, v2 7.5 → 16.5 min) that timing checks failed on both sides.
set -uo pipefail
cd "$(dirname "$0")/.."

hostlog=$(mktemp /tmp/cgmeter-host-XXXXXX.log)
v2log=$(mktemp /tmp/cgmeter-v2-XXXXXX.log)
trap 'rm -f "$hostlog" "$v2log"' EXIT

node_modules/.bin/vitest run 2>&1 | tee "$hostlog"
host=${PIPESTATUS[0]}
bash test/v2/run.sh 2>&1 | tee "$v2log"
v2=${PIPESTATUS[0]}
echo
echo "npm test: host suite exit $host, v2 suite exit $v2"
grep -E '^host: [0-9]+ passed' "$hostlog" | tail -1 || echo 'host: no closing line (vitest did not finish)'
grep -E '^v2: [0-9]+ passed' "$v2log" | tail -1 || echo 'v2: no closing line (the VM run failed before vitest finished)'
[ "$host" -eq 0 ] && [ "$v2" -eq 0 ]

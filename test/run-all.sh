#!/usr/bin/env bash
# npm test (after npm run build): the host suite (vitest, this hybrid v1 kernel), then the v2 suite
# (test/v2/run.sh: the kernel-facing tests again, in a pure cgroup v2 VM). Every part always runs, so
# one red part does not hide another's result; the exit status is non-zero when any failed, and the
# closing lines (`host: …`, `v2: …`) are repeated at the very end.
# The host suite is two vitest runs (vitest.config.ts): the `shared` project three files at a time
# (nearly all of their time is waiting, not CPU), then the `alone` project one file at a time.
# The v2 VM does not run beside the host suite: tried, and the emulated VM (TCG, both cores) and the
# host tests slowed each other down so much (host 12 → 15 min, v2 7.5 → 16.5 min) that timing checks
# failed on both sides.
set -uo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d /tmp/cgmeter-test-XXXXXX)
trap 'rm -rf "$logs"' EXIT

CGMETER_SUITE_LABEL=host-shared node_modules/.bin/vitest run --project shared --fileParallelism --maxWorkers 3 2>&1 | tee "$logs/shared"
shared=${PIPESTATUS[0]}
CGMETER_SUITE_LABEL=host-alone node_modules/.bin/vitest run --project alone 2>&1 | tee "$logs/alone"
alone=${PIPESTATUS[0]}
bash test/v2/run.sh 2>&1 | tee "$logs/v2"
v2=${PIPESTATUS[0]}

echo
# CI keeps only the tail of a long log: name every failed test here, at the end, with its suite.
failed_tests=$(for part in shared alone v2; do
  # vitest's summary: " FAIL  file > suite > test", then (a few lines on) the error's first line.
  sed -e 's/\x1b\[[0-9;]*m//g' "$logs/$part" | awk -v part="$part" '
    /^ *FAIL / { if (want) printf "  [%s] %s\n", part, name; sub(/^ *FAIL +/, ""); name = $0; want = 1; next }
    want && /(Error|expected)/ { sub(/^ +/, ""); printf "  [%s] %s\n      %s\n", part, name, substr($0, 1, 300); want = 0 }
    END { if (want) printf "  [%s] %s\n", part, name }'
done)
if [ -n "$failed_tests" ]; then
  echo "failed tests:"
  echo "$failed_tests"
fi
echo "npm test: host shared exit $shared, host alone exit $alone, v2 exit $v2"
# One host line for both parts: passed, failed and skipped added up.
grep -hE '^host-(shared|alone): [0-9]+ passed' "$logs/shared" "$logs/alone" \
  | awk '{p += $2; f += $4; s += $6; n++} END {if (n == 2) printf "host: %d passed, %d failed, %d skipped\n", p, f, s; else print "host: a part gave no closing line (vitest did not finish)"}'
grep -E '^v2: [0-9]+ passed' "$logs/v2" | tail -1 || echo 'v2: no closing line (the VM run failed before vitest finished)'
[ "$shared" -eq 0 ] && [ "$alone" -eq 0 ] && [ "$v2" -eq 0 ]

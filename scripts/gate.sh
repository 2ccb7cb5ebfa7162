#!/usr/bin/env bash
# The gate a maintainer would run before applying the series (make lint):
# every patch applies with git am and passes checkpatch --strict, the
# .rst files parse and the scripts pass shellcheck (lint.sh); the tree
# and the selftests build after every patch (bisect.sh); sparse and W=1
# add no warning (sparse.sh); the series builds in every configuration of
# configs/matrix (matrix.sh). Runs them all, prints each one's wall time,
# exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fail=0
total=$(date +%s)
step() {
	local name=$1 start status=0
	shift
	start=$(date +%s)
	"$@" || status=$?
	say "gate: $name $([ "$status" = 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s"
	[ "$status" = 0 ] || fail=1
}
step "lint (git am, checkpatch, rst, shellcheck)" "$TOP/scripts/lint.sh"
step "kernel" "$TOP/scripts/kernel.sh"
step "bisect (every patch builds)" "$TOP/scripts/bisect.sh"
step "sparse and W=1" "$TOP/scripts/sparse.sh"
step "config matrix" "$TOP/scripts/matrix.sh"
say "gate: $([ "$fail" = 0 ] && echo passed || echo FAILED) in $(($(date +%s) - total)) s"
exit $fail

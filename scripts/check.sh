#!/usr/bin/env bash
# Build everything, build every patch of the series on its own (bisect.sh),
# check that sparse and W=1 find nothing new (sparse.sh), run every
# scenario; print one line per test and
# finish with "N passed, N failed, N skipped". Exit 1 on any failure.
#   check.sh [SCENARIO...]     default: all of scenarios/*.conf
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=()
	for c in "$TOP"/scenarios/*.conf; do
		c=${c##*/}
		scenarios+=("${c%.conf}")
	done
fi

"$TOP/scripts/lint.sh"
"$TOP/scripts/kernel.sh"
# Every patch builds: reported as the test points of "bisect"
mkdir -p "$LOGS"
start=$(date +%s)
"$TOP/scripts/bisect.sh" >"$LOGS/bisect.ktap" || true
printf 'bisect\tok\t%ss\n' "$(($(date +%s) - start))" >"$LOGS/bisect.status"
# sparse (C=2) and W=1 add no warning over the base: one test point
start=$(date +%s)
if "$TOP/scripts/sparse.sh" 2>"$LOGS/sparse.err"; then
	printf 'TAP version 13\n1..1\nok 1 no_new_sparse_or_w1_warnings\n' >"$LOGS/sparse.ktap"
else
	printf 'TAP version 13\n1..1\nnot ok 1 no_new_sparse_or_w1_warnings # see %s\n' \
		"$LOGS/sparse.err" >"$LOGS/sparse.ktap"
fi
cat "$LOGS/sparse.err" >&2
printf 'sparse\tok\t%ss\n' "$(($(date +%s) - start))" >"$LOGS/sparse.status"
# the configuration matrix: one test point per configuration
start=$(date +%s)
"$TOP/scripts/matrix.sh" >"$LOGS/matrix.ktap" || true
printf 'matrix\tok\t%ss\n' "$(($(date +%s) - start))" >"$LOGS/matrix.status"
"$TOP/scripts/selftests.sh"
"$TOP/scripts/images.sh" guest
"$TOP/scripts/images.sh" l1kvm

# the experiment kernels the scenarios ask for (KERNEL=)
for s in "${scenarios[@]}"; do
	sed -n 's/^KERNEL=//p' "$TOP/scenarios/$s.conf"
done | sort -u | while read -r v; do
	"$TOP/scripts/variant.sh" "$v"
done

# TCG runs a one-CPU guest on one host thread: run as many as there are cores.
mkdir -p "$LOGS"
# shellcheck disable=SC2016 # $1.. are expanded by the inner sh
printf '%s\n' "${scenarios[@]}" |
	xargs -P "$JOBS" -I{} sh -c '"$1" "$2" >/dev/null 2>"$3/$2.err" || true' _ \
		"$TOP/scripts/scenario.sh" {} "$LOGS"
for s in "${scenarios[@]}"; do
	[ -s "$LOGS/$s.err" ] && sed "s/^/[$s] /" "$LOGS/$s.err" >&2
	cut -f1,3 "$LOGS/$s.status" 2>/dev/null | tr '\t' ' ' | sed 's/^/time: /' >&2 || true
done
exec python3 "$TOP/scripts/ktap.py" "$LOGS" bisect sparse matrix "${scenarios[@]}"

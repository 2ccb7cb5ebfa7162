#!/usr/bin/env bash
# Build everything, run every scenario and, beside them, build every patch
# of the series on its own (bisect.sh), check that sparse and W=1 find
# nothing new (sparse.sh) and build the configuration matrix (matrix.sh);
# print one line per test and finish with "N passed, N failed, N skipped".
# Exit 1 on any failure. A line on standard error says when each step
# starts and ends.
#   check.sh [SCENARIO...]     default: all of scenarios/*.conf
#
# The pseudo-scenarios harness (ktap.py's unit tests), bisect, sparse and
# matrix, and for each other series (bases/*.conf) lint-BASE,
# bisect-BASE, sparse-BASE and matrix-BASE, are reported like scenarios:
# their KTAP in $LOGS/NAME.ktap, their status the exit status of their
# script, no skip allowed but the Debian kernel's configuration in the
# matrix of a base that pins no Debian configuration.
# The scenarios whose BASES name another base run on it too, reported as
# BASE/NAME, from that base's logs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
only_61 "make check (it checks the other series itself)"
# (make run's way of running fewer tests is not for make check)
unset SCENARIO_TESTS

if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=()
	for c in "$TOP"/scenarios/*.conf; do
		c=${c##*/}
		scenarios+=("${c%.conf}")
	done
fi
pseudo=(harness bisect sparse matrix)
# The series of the other bases (bases/*.conf), each a pseudo-scenario:
# git am, checkpatch --strict and the fixes' tags (lint-BASE), every patch
# builds (bisect-BASE), sparse and W=1 (sparse-BASE), the configuration
# matrix (matrix-BASE)
others=()
for b in $(bases); do
	[ "$b" = "$BASE" ] || others+=("$b")
done
for b in "${others[@]}"; do
	pseudo+=("lint-$b" "bisect-$b" "sparse-$b" "matrix-$b")
done
# bases_of SCENARIO: the bases it runs on (its BASES=, 6.1 by default)
bases_of() {
	(
		BASES=(6.1)
		# shellcheck disable=SC1090 # a scenario's own settings
		. "$TOP/scenarios/$1.conf" >/dev/null || exit 1
		echo "${BASES[*]}"
	)
}
# runs: "BASE NAME" for each scenario run (NAME on BASE)
runs=()
for s in "${scenarios[@]}"; do
	[ -f "$TOP/scenarios/$s.conf" ] || die "no scenario $s (scenarios/$s.conf)"
	b=$(bases_of "$s") || die "scenarios/$s.conf: cannot read its BASES"
	for b in $b; do
		[ -f "$TOP/bases/$b.conf" ] || die "scenarios/$s.conf: BASES names $b, which has no bases/$b.conf"
		runs+=("$b $s")
	done
done
# logs_of BASE: where a base's scenarios leave their logs
logs_of() {
	BASE=$1 bash -c '. "$1/scripts/lib.sh" && echo "$LOGS"' _ "$TOP"
}

check_start=$(date +%s)
mkdir -p "$LOGS"
for p in "${pseudo[@]}" build; do
	rm -f "$LOGS/$p".{ktap,status,skips,err}
done
for r in "${runs[@]}"; do
	l=$(logs_of "${r% *}")
	mkdir -p "$l"
	rm -f "$l/${r#* }".{ktap,status,skips,err}
done

# step NAME COMMAND...: run a build step, with a line when it starts and
# one when it ends; a failed step stops make check, which reports it as
# the failed pseudo-scenario "build" with what ran before it
step() {
	local name=$1 t
	shift
	t=$(date +%s)
	progress "$name: start"
	if ! "$@"; then
		progress "$name: FAILED after $(($(date +%s) - t)) s"
		printf 'build\t%s failed\t%ss\n' "$name" "$(($(date +%s) - t))" >"$LOGS/build.status"
		printf 'TAP version 13\n1..0 # SKIP stopped\n' >"$LOGS/build.ktap"
		: >"$LOGS/build.skips"
		python3 "$TOP/scripts/ktap.py" "$LOGS" "${pseudo[@]}" build || true
		exit 1
	fi
	progress "$name: ok, $(($(date +%s) - t)) s"
}

# pseudo NAME COMMAND...: a step whose KTAP (standard output) is reported
# as a scenario; its status is the command's exit status
pseudo() {
	local name=$1 t rc=0 status=ok
	shift
	t=$(date +%s)
	progress "$name: start"
	: >"$LOGS/$name.skips"
	"$@" >"$LOGS/$name.ktap" 2> >(tee "$LOGS/$name.err" >&2) || rc=$?
	[ $rc = 0 ] || status="exit status $rc"
	printf '%s\t%s\t%ss\n' "$name" "$status" "$(($(date +%s) - t))" >"$LOGS/$name.status"
	progress "$name: $status, $(($(date +%s) - t)) s"
}

progress() { say "[check $(($(date +%s) - check_start))s] $*"; }

pseudo harness python3 "$TOP/scripts/test_ktap.py" --ktap
step lint "$TOP/scripts/lint.sh"
step kernel "$TOP/scripts/kernel.sh"
step selftests "$TOP/scripts/selftests.sh"
step "image guest" "$TOP/scripts/images.sh" guest
step "image l1kvm" "$TOP/scripts/images.sh" l1kvm
step "image kdump" "$TOP/scripts/images.sh" kdump

# each other base's kernel, kselftests and images, for its scenarios
for b in "${others[@]}"; do
	want=
	for r in "${runs[@]}"; do
		[ "${r% *}" = "$b" ] && want+=" $(sed -n 's/^IMAGE=//p' "$TOP/scenarios/${r#* }.conf")"
	done
	[ -n "$want" ] || continue
	BASE=$b step "kernel $b" "$TOP/scripts/kernel.sh"
	BASE=$b step "selftests $b" "$TOP/scripts/selftests.sh"
	BASE=$b step "image guest $b" "$TOP/scripts/images.sh" guest
	for i in l1kvm kdump; do
		[[ " $want " == *" $i "* ]] || continue
		BASE=$b step "image $i $b" "$TOP/scripts/images.sh" "$i"
	done
done

# the experiment kernels the scenarios ask for (KERNEL=), on each base
# they run on ("BASE NAME")
# (the list on fd 3: what the steps run must not read it)
while read -r -u3 b v; do
	n="variant $v"
	[ "$b" = "$BASE" ] || n+=" $b"
	BASE=$b step "$n" "$TOP/scripts/variant.sh" "$v"
done 3< <(for r in "${runs[@]}"; do
	v=$(sed -n 's/^KERNEL=//p' "$TOP/scenarios/${r#* }.conf")
	[ -z "$v" ] || echo "${r% *} $v"
done | sort -u)

# The build checks: every patch builds (one test point per patch); sparse
# (C=2) and W=1 add no warning over the base (one test point); the
# configuration matrix (one test point per configuration). Nothing the
# scenarios use comes from them, so they run beside the scenarios at the
# lowest priority (nice 19): TCG keeps both cores busy, and the builds take
# what it leaves (link steps, make's own walks, a lane with nothing left).
sparse_ktap() {
	if "$TOP/scripts/sparse.sh"; then
		printf 'TAP version 13\n1..1\nok 1 no_new_sparse_or_w1_warnings\n'
	else
		printf 'TAP version 13\n1..1\nnot ok 1 no_new_sparse_or_w1_warnings # see %s\n' \
			"$LOGS/$1.err"
		return 1
	fi
}
lint_ktap() {
	if "$TOP/scripts/lint.sh" >&2; then
		printf 'TAP version 13\n1..1\nok 1 lint_%s\n' "$BASE"
	else
		printf 'TAP version 13\n1..1\nnot ok 1 lint_%s # see %s\n' "$BASE" \
			"$LOGS/lint-$BASE.err"
		return 1
	fi
}
# not_run WHY: a pseudo-scenario that could not run, which fails
not_run() {
	printf 'TAP version 13\n1..0 # SKIP %s\n' "$1"
	return 1
}
# (bisect.sh builds on the kernel configuration of the base)
bisect_base() {
	"$TOP/scripts/kernel.sh" >&2 && "$TOP/scripts/bisect.sh"
}
build_checks() {
	local b
	renice -n 19 -p "$BASHPID" >/dev/null
	pseudo bisect "$TOP/scripts/bisect.sh"
	pseudo sparse sparse_ktap sparse
	pseudo matrix "$TOP/scripts/matrix.sh"
	for b in "${others[@]}"; do
		BASE=$b pseudo "lint-$b" lint_ktap
		if [ "$(cut -f2 "$LOGS/lint-$b.status")" = ok ]; then
			BASE=$b pseudo "bisect-$b" bisect_base
		else
			BASE=$b pseudo "bisect-$b" not_run "lint-$b failed"
		fi
		# (sparse.sh reuses bisect.sh's tree and objects)
		if [ "$(cut -f2 "$LOGS/bisect-$b.status")" = ok ]; then
			BASE=$b pseudo "sparse-$b" sparse_ktap "sparse-$b"
		else
			BASE=$b pseudo "sparse-$b" not_run "bisect-$b failed"
		fi
		BASE=$b pseudo "matrix-$b" "$TOP/scripts/matrix.sh"
		# the skips of a base without a pinned Debian configuration:
		# the configurations built as the Debian kernel (matrix.sh)
		if ! BASE=$b bash -c '. "$1" && [ -n "${DEBCONFIG_PKG:-}" ]' _ "$TOP/scripts/lib.sh"; then
			{ grep -l '^# build: variant' "$TOP"/configs/matrix/*.config || true; } |
				while read -r f; do
					f=${f##*/}
					printf 'config_%s\tno Debian configuration of %s is pinned (none in the archive)\n' \
						"${f%.config}" "$b"
				done >"$LOGS/matrix-$b.skips"
		fi
	done
}
build_checks &
build_checks_pid=$!

# TCG runs a one-CPU guest on one host thread: run as many as there are
# cores, the longest first (by their time limits, TIMEOUT=) so that no
# long one starts last. A line when each scenario starts and ends.
# by_length: the runs ("BASE NAME") as "TIMEOUT BASE NAME", longest first
by_length() {
	local r t
	for r in "${runs[@]}"; do
		t=$(sed -n 's/^TIMEOUT=\([0-9]*\).*/\1/p' "$TOP/scenarios/${r#* }.conf")
		printf '%s %s\n' "${t:-120}" "$r"
	done | sort -k1,1nr -k3,3 -k2,2
}
# (the inner sh: $1 scenario.sh, $2 lib.sh, $3 the start, $4 this base;
# then a line of by_length: $5 TIMEOUT, $6 BASE, $7 NAME. No path is in
# the lines xargs splits.)
# shellcheck disable=SC2016 # $1.. are expanded by the inner sh
by_length |
	xargs -P "$JOBS" -L1 sh -c '
		t0=$(date +%s)
		n=$7; [ "$6" = "$4" ] || n=$6/$7
		l=$(BASE=$6 bash -c ". \"\$1\" && echo \"\$LOGS\"" _ "$2")
		echo "[check $((t0 - $3))s] scenario $n: start" >&2
		BASE=$6 "$1" "$7" >/dev/null 2>"$l/$7.err"
		t1=$(date +%s)
		echo "[check $((t1 - $3))s] scenario $n: $(cut -f2 "$l/$7.status" 2>/dev/null || echo "no status"), $((t1 - t0)) s" >&2
		true' _ "$TOP/scripts/scenario.sh" "$TOP/scripts/lib.sh" "$check_start" "$BASE"
for r in "${runs[@]}"; do
	l=$(logs_of "${r% *}")
	n=${r#* }
	[ "${r% *}" = "$BASE" ] || n=${r% *}/$n
	[ -s "$l/${r#* }.err" ] && sed "s|^|[$n] |" "$l/${r#* }.err" >&2
done
wait "$build_checks_pid" || true
progress "done; results:"
# the scenarios of this base, then each other base's
args=("$LOGS" "${pseudo[@]}")
for b in "$BASE" "${others[@]}"; do
	[ "$b" = "$BASE" ] || args+=("--base=$b:$(logs_of "$b")")
	for r in "${runs[@]}"; do
		[ "${r% *}" = "$b" ] && args+=("${r#* }")
	done
done
exec python3 "$TOP/scripts/ktap.py" "${args[@]}"

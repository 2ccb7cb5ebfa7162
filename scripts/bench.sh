#!/usr/bin/env bash
# make bench: the in-kernel TCE handling for passed-through devices against
# the VMM's (QEMU's) handling, measured side by side in one run.
#  1. The TCE path alone (tce_bench, bench/bench-tce-*): a minimal guest's
#     H_PUT_TCE, H_PUT_TCE_INDIRECT and H_STUFF_TCE in the kernel (real and
#     virtual mode) and in the VMM, on POWER9 and POWER8 PowerNV L1s and a
#     nested pSeries L1; then, on the pSeries L1 (-icount: its rates are
#     the same from boot to boot; the PowerNV L1s' are not), the experiment
#     kernel without the series' entry locks and fence
#     (variants/no-hotpath.patch). One scenario at a time: the PowerNV
#     rates follow the host's load; and, as they change from boot to boot,
#     the PowerNV scenarios boot BENCH_BOOTS times.
#  2. The L2 guest with the NVMe (bench_l2): on a PowerNV L1 (rates: TCEs
#     per second, 4K read IOPS, L2 boot with a dynamic window; three boots)
#     and on a nested pSeries L1 (-icount; the TCE hcalls the L1 makes to
#     L0, the L2's boot); then, alone (its rates are compared with each
#     other), a POWER8 PowerNV L1 (three boots): the real mode handlers
#     against the virtual mode ones and QEMU.
#  3. The hcall fuzzer with a million hcalls in each mode (bench-hcalls).
# Writes build/bench/results.md (and bench.png with python3-matplotlib),
# keeps the run before as results.prev.md and prints how far apart the two
# runs' ratios are (scripts/bench_compare.py).
#
# For another base (make bench BASE=6.12): the series against its base
# unpatched (scripts/variant.sh unpatched, the series' configuration) as
# the L1 host, the pSeries L2 benchmark on each (bench/bench-pseries-BASE
# and -BASE-unpatched.conf, side by side: under -icount their numbers do
# not depend on the host's load; the L2 guest runs the series' kernel in
# both); then, alone, the series' real mode handlers on a POWER8 PowerNV
# L1 (bench/bench-powernv8-BASE.conf, if there is one), and its TCE path
# alone (tce_bench: bench/bench-tce-pseries-BASE.conf and
# bench-tce-powernv8-BASE.conf, where there are). Its tables in
# build/BASE/bench/results.md (no comparison with the run before).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
if [ "$BASE" != 6.1 ]; then
	for s in "bench-pseries-$BASE" "bench-pseries-$BASE-unpatched"; do
		[ -f "$TOP/bench/$s.conf" ] || die "no bench/$s.conf: no benchmark for $BASE"
	done
fi

begin=$(date +%s)
"$TOP/scripts/kernel.sh"
"$TOP/scripts/selftests.sh"
"$TOP/scripts/images.sh" l1kvm
if [ "$BASE" = 6.1 ]; then
	"$TOP/scripts/variant.sh" no-hotpath
else
	"$TOP/scripts/variant.sh" unpatched
fi
mkdir -p "$BUILD/bench" "$LOGS"
# no table from an earlier run's logs
rm -f "$LOGS"/bench-*
rc=0
# boots NAME: how many times make bench boots the scenario (BENCH_BOOTS in
# it or in a .conf it sources, for numbers that change from boot to boot;
# 1)
boots() {
	local n
	# shellcheck disable=SC2016 # $1.. are expanded by the inner bash
	n=$(bash -c 'TOP=$1 BASE=$2; . "$TOP/bench/$3.conf" >/dev/null &&
		echo "${BENCH_BOOTS:-}"' _ "$TOP" "$BASE" "$1") ||
		die "bench/$1.conf does not load"
	[[ ${n:-1} =~ ^[1-9][0-9]*$ ]] || die "bench/$1.conf: BENCH_BOOTS=$n"
	echo "${n:-1}"
}
# names NAME: the names of its boots' logs: NAME, or NAME@1..NAME@K
names() {
	local n k
	n=$(boots "$1")
	if [ "$n" = 1 ]; then
		echo "$1"
	else
		for ((k = 1; k <= n; k++)); do echo "$1@$k"; done
	fi
}
# bench NAME: boots a bench scenario, its output in $LOGS/NAME.out; it
# fails when a test point of it failed too (its numbers then make no
# table). Each boot's logs go to the names of names(); no boot follows a
# failed one.
bench() {
	local n k f rc=0
	n=$(boots "$1") || return
	for ((k = 1; k <= n && rc == 0; k++)); do
		SCENARIO_DIR=bench "$TOP/scripts/scenario.sh" "$1" >"$LOGS/$1.out" 2>&1 &&
			python3 "$TOP/scripts/ktap.py" "$LOGS" "$1" >>"$LOGS/$1.out" 2>&1 ||
			rc=1
		[ "$n" = 1 ] && break
		for f in "$LOGS/$1".*; do
			[ -e "$f" ] || continue
			mv "$f" "$LOGS/$1@$k.${f#"$LOGS/$1".}" || rc=1
		done
	done
	return $rc
}

if [ "$BASE" != 6.1 ]; then
	pids=()
	for s in "bench-pseries-$BASE" "bench-pseries-$BASE-unpatched"; do
		bench "$s" &
		pids+=($!)
	done
	wait "${pids[0]}" || rc=1
	# (the unpatched base fails test points of its bugs: its numbers
	# count all the same, as far as it ran)
	wait "${pids[1]}" || true
	python3 "$TOP/scripts/bench_report.py" --versus "$LOGS" "$BUILD/bench" \
		"$BASE_VERSION" "bench-pseries-$BASE" "bench-pseries-$BASE-unpatched"
	p8=bench-powernv8-$BASE
	if [ -f "$TOP/bench/$p8.conf" ]; then
		bench "$p8" || rc=1
		mapfile -t p8s < <(names "$p8")
		python3 "$TOP/scripts/bench_report.py" "$LOGS" "$BUILD/bench/$p8" \
			"${p8s[@]}" >/dev/null
		printf '\n' >>"$BUILD/bench/results.md"
		cat "$BUILD/bench/$p8/results.md" >>"$BUILD/bench/results.md"
	fi
	# tce_bench of the series, one scenario at a time
	tces=()
	for s in "bench-tce-pseries-$BASE" "bench-tce-powernv8-$BASE"; do
		[ -f "$TOP/bench/$s.conf" ] || continue
		bench "$s" || rc=1
		n=$(names "$s") || { rc=1; continue; }
		mapfile -t -O "${#tces[@]}" tces <<<"$n"
	done
	if [ ${#tces[@]} -gt 0 ]; then
		python3 "$TOP/scripts/bench_report.py" "$LOGS" "$BUILD/bench/tce" \
			"${tces[@]}" >/dev/null
		printf '\n' >>"$BUILD/bench/results.md"
		cat "$BUILD/bench/tce/results.md" >>"$BUILD/bench/results.md"
	fi
	sed -i "1i Run of $(date -u +%F), $(git -C "$TOP" rev-parse --short HEAD)$(
		git -C "$TOP" diff --quiet HEAD -- patches bench scripts guest ||
			echo ' with changes'), $(($(date +%s) - begin)) s; rc $rc\n" \
		"$BUILD/bench/results.md"
	[ $rc = 0 ] || say "a bench scenario of the series failed: see $LOGS/bench-*-$BASE*.out"
	exit $rc
fi

start=$(date +%s)
tce=(bench-tce-pseries bench-tce-pseries-nohot bench-tce-powernv9
	bench-tce-powernv8)
for s in "${tce[@]}"; do
	bench "$s" || rc=1
done
say "TCE path: $(($(date +%s) - start)) s"

start=$(date +%s)
pids=()
for s in bench-powernv9 bench-pseries; do
	bench "$s" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || rc=1; done
bench bench-powernv8 || rc=1
# the hcall fuzzer, 1M hcalls in each mode, checked against its model
bench bench-hcalls || rc=1
say "L2 and fuzzer: $(($(date +%s) - start)) s"
[ $rc = 0 ] || say "a bench scenario failed: see $LOGS/bench-*.out"
# the plot's library, for make bench only (make check does not need it):
# Debian's, for Debian's python3
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" -c 'import matplotlib' 2>/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-matplotlib >/dev/null ||
	say "python3-matplotlib not installed: no bench.png"
mapfile -t all < <(for s in "${tce[@]}" bench-powernv9 bench-pseries \
	bench-powernv8 bench-hcalls; do names "$s"; done)
# A run with a failed scenario writes its tables to $BUILD/bench/failed;
# a good one keeps the last good run's as results.prev.md and compares.
out=$BUILD/bench
if [ $rc != 0 ]; then
	out=$BUILD/bench/failed
elif [ -f "$out/results.md" ]; then
	mv "$out/results.md" "$out/results.prev.md"
fi
"$py" "$TOP/scripts/bench_report.py" "$LOGS" "$out" "${all[@]}"
# what the tables are of
sed -i "1i Run of $(date -u +%F), $(git -C "$TOP" rev-parse --short HEAD)$(
	git -C "$TOP" diff --quiet HEAD -- patches bench scripts guest ||
		echo ' with changes'), $(($(date +%s) - begin)) s; rc $rc\n" \
	"$out/results.md"
if [ $rc = 0 ] && [ -f "$out/results.prev.md" ]; then
	say "against the run before ($out/results.prev.md):"
	cmp=0
	python3 "$TOP/scripts/bench_compare.py" "$out/results.prev.md" \
		"$out/results.md" || cmp=$?
	[ $cmp = 0 ] ||
		say "bench_compare.py: exit $cmp (1: ratios more than 10% apart)"
fi
exit $rc

#!/usr/bin/env bash
# make bench: the in-kernel TCE handling for passed-through devices against
# QEMU handling the TCEs (control), measured side by side in one run, on a
# PowerNV L1 (rates: TCEs per second, 4K read IOPS, L2 boot with a dynamic
# window) and on a nested pSeries L1 (the TCE hcalls the L1 makes to L0);
# then, alone (its rates are compared with each other), a POWER8 PowerNV
# L1: the real mode handlers against the virtual mode ones and QEMU; and
# the hcall fuzzer with a million hcalls in each mode (bench-hcalls).
# Writes build/bench/results.md (and bench.png with python3-matplotlib).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel.sh"
"$TOP/scripts/selftests.sh"
"$TOP/scripts/images.sh" l1kvm
mkdir -p "$BUILD/bench"
start=$(date +%s)
pids=()
for s in bench-powernv9 bench-pseries; do
	SCENARIO_DIR=bench "$TOP/scripts/scenario.sh" "$s" >"$LOGS/$s.out" 2>&1 &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
SCENARIO_DIR=bench "$TOP/scripts/scenario.sh" bench-powernv8 >"$LOGS/bench-powernv8.out" 2>&1 || rc=1
# the hcall fuzzer, 1M hcalls in each mode, checked against its model
SCENARIO_DIR=bench "$TOP/scripts/scenario.sh" bench-hcalls >"$LOGS/bench-hcalls.out" 2>&1 || rc=1
say "bench scenarios: $(($(date +%s) - start)) s"
[ $rc = 0 ] || say "a bench scenario failed: see $LOGS/bench-*.out"
# the plot's library, for make bench only (make check does not need it):
# Debian's, for Debian's python3
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" -c 'import matplotlib' 2>/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-matplotlib >/dev/null ||
	say "python3-matplotlib not installed: no bench.png"
"$py" "$TOP/scripts/bench_report.py" "$LOGS" "$BUILD/bench" bench-powernv9 bench-pseries bench-powernv8 bench-hcalls
exit $rc

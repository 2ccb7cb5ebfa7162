#!/usr/bin/env bash
# The main job: build the patched kernel and show what the series is for.
# On an emulated POWER9 PowerNV host and on a pSeries LPAR with nested
# KVM-HV, Debian's QEMU gives an NVMe controller to an L2 KVM guest with
# -device vfio-pci; for each run of the L2 (with its dynamic DMA window,
# with disable_ddw, and with QEMU keeping the TCE table as on 6.1) it
# shows whether KVM linked the guest's TCE table to the device's window,
# the TCE hcalls KVM handled and those that went to QEMU, and what the L2
# read and wrote on the disk, how fast.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel.sh"
"$TOP/scripts/selftests.sh"
"$TOP/scripts/images.sh" l1kvm
# The two machines side by side (TCG runs each on one core), the real
# client's test alone: what is shown below is what runs.
shows=(kvm-powernv9-vfio kvm-pseries-vfio)
mkdir -p "$LOGS"
pids=()
for s in "${shows[@]}"; do
	say "starting $s: qemu-system-ppc64 -M $(sed -n 's/^MACHINE=//p' "$TOP/scenarios/$s.conf"), an L2 KVM guest with the NVMe"
	SCENARIO_TESTS=l2_vfio "$TOP/scripts/scenario.sh" "$s" >/dev/null 2>"$LOGS/$s.run.err" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
for s in "${shows[@]}"; do
	say ""
	say "=== $s: qemu-system-ppc64 -M $(sed -n 's/^MACHINE=//p' "$TOP/scenarios/$s.conf")"
	k=$LOGS/$s.ktap
	[ -f "$k" ] || : >"$k"
	grep -m1 'Linux version' "$LOGS/$s.console.txt" 2>/dev/null |
		sed 's/^\[[^]]*\] */L1 kernel: /' >&2 || true
	for p in ddw noddw control; do
		say "--- L2 run '$p'"
		sed -n "s/^ *# ${p}_\(tce_table_linked\|tce_table_not_linked\): /  linked:     /p
			s/^ *# ${p}_\(no_tce_hcall_in_qemu\|tce_hcalls_in_qemu\): /  TCE hcalls: /p
			s/^ *# $p KVM: /  KVM stats:  /p
			s/^ *# ${p}_l2_reads_and_writes_disk: @@@L2-NVME@@@ /  L2 disk:    /p
			s/^ *# ${p}_no_completion_polled: /  nvme:       /p" "$k" >&2
	done
	cat "$LOGS/$s.run.err" >&2
	# (the skips the scenario declares for its other tests do not apply)
	python3 "$TOP/scripts/ktap.py" "$LOGS" "$s" | grep -v '^NOTE' >&2 || rc=1
	say "took $(cat "$LOGS/$s.seconds" 2>/dev/null || echo ?)s; full console: $LOGS/$s.console.txt"
done
[ $rc = 0 ] || die "make run: a scenario failed (above)"

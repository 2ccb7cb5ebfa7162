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
for s in kvm-powernv9-vfio kvm-pseries-vfio; do
	say ""
	say "=== $s: qemu-system-ppc64 -M $(sed -n 's/^MACHINE=//p' "$TOP/scenarios/$s.conf"), an L2 KVM guest with the NVMe"
	"$TOP/scripts/scenario.sh" "$s" || true
	k=$LOGS/$s.ktap
	grep -m1 'Linux version' "$LOGS/$s.console.txt" |
		sed 's/^\[[^]]*\] */L1 kernel: /' >&2 || true
	for p in ddw noddw control; do
		say "--- L2 run '$p'"
		sed -n "s/^ *# ${p}_\(tce_table_linked\|tce_table_not_linked\): /  linked:     /p
			s/^ *# ${p}_\(no_tce_hcall_in_qemu\|tce_hcalls_in_qemu\): /  TCE hcalls: /p
			s/^ *# $p KVM: /  KVM stats:  /p
			s/^ *# ${p}_l2_reads_and_writes_disk: @@@L2-NVME@@@ /  L2 disk:    /p" "$k" >&2
	done
	python3 "$TOP/scripts/ktap.py" "$LOGS" "$s" >&2 || true
	say "took $(cat "$LOGS/$s.seconds")s; full console: $LOGS/$s.console.txt"
done

#!/usr/bin/env bash
# The main job: build the patched kernel and show it working on emulated
# POWER: a pSeries LPAR and a POWER9 PowerNV host, each with an NVMe.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel.sh"
"$TOP/scripts/selftests.sh"
"$TOP/scripts/images.sh" guest
for s in pseries powernv9; do
	say ""
	say "=== $s: qemu-system-ppc64 $(sed -n 's/^MACHINE=//p' "$TOP/scenarios/$s.conf")"
	"$TOP/scripts/scenario.sh" "$s" || true
	c=$LOGS/$s.console.txt
	grep -m1 'Linux version' "$c" | sed 's/^\[[^]]*\] */kernel:   /' >&2 || true
	# what the kernel said about the NVMe, its IOMMU group, DDW and VFIO
	grep -E '^(pci .*Adding to iommu group|nvme .*ibm,create-pe-dma-window|nvme nvme0: [0-9]+/|vfio-pci)' "$c" |
		sed 's/^\[[^]]*\] */console:  /' >&2 || true
	python3 "$TOP/scripts/ktap.py" "$LOGS" "$s" >&2 || true
	say "booted in $(cat "$LOGS/$s.seconds")s; full console: $c"
done

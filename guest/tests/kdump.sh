#!/bin/sh
# A crash kernel started while VFIO owns the NVMe's PE, with the device
# tree loaded before (as kdump tools load it at boot): it must find the
# NVMe's PE as the hypervisor has it, not as that device tree says, and
# read its disk. Two kernels run it:
# - the first (no /proc/vmcore): loads itself as the crash kernel with
#   kexec -p (the host's direct window in its device tree), gives the
#   NVMe to vfio-pci, starts /kdump/holder (a v2 container with a default
#   window and a dynamic one of 64K pages at the LIOBN and start of the
#   host's direct window), and crashes (sysrq c). It prints its steps on
#   the console; a step that fails ends the test (not ok).
# - the crash kernel (/proc/vmcore): checks what it found and reads the
#   disk. Its KTAP is the scenario's.
# t_kdump_window: the size of the holder's dynamic window: "smaller"
#   (256M: its last TCE is not there) or "same" (the host's: only what
#   its TCEs map tells it from the host's direct window)
# t_nvme_serial, t_disk_marker: the NVMe and the first bytes of its disk
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh

say() { echo "kdump test: $*" >/dev/console; echo "# $*"; }

nvme_bdf() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/class")" = 0x010802 ] && { basename "$d"; return 0; }
	done
	return 1
}

if [ ! -e /proc/vmcore ]; then
	ktap_plan 1
	bdf=$(nvme_bdf) || { ktap_fail crashed "no NVMe controller"; ktap_exit; }
	ddw=
	for f in /proc/device-tree/pci@*/linux,direct64-ddr-window-info; do
		[ -e "$f" ] && ddw=$f
	done
	[ -n "$ddw" ] ||
		{ ktap_fail crashed "no direct window in the device tree to load"; ktap_exit; }
	# window_shift: the last big-endian word of the property (liobn, a
	# word of padding, dma_base, tce_shift, window_shift)
	shift=$(od -An -tu1 -j20 -N4 "$ddw" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 }')
	case ${t_kdump_window:-} in
	smaller) size=$((256 << 20)) ;;
	same) size=$((1 << shift)) ;;
	*) ktap_fail crashed "t_kdump_window '${t_kdump_window:-}': smaller or same"; ktap_exit ;;
	esac
	say "$ddw: a window of 2^$shift bytes; the holder's: $size bytes"
	# the crash kernel gets this kernel's arguments but crashkernel=, on
	# one CPU
	args=$(sed -e 's/crashkernel=[^ ]*//' /proc/cmdline)
	say "crash kernel area of $(cat /sys/kernel/kexec_crash_size) bytes; loading /kdump/vmlinux"
	if ! kexec -p /kdump/vmlinux --initrd=/kdump/initrd \
		--append="$args maxcpus=1" >/tmp/kexec.log 2>&1; then
		sed 's/^/# /' /tmp/kexec.log
		ktap_fail crashed "kexec -p failed"
		ktap_exit
	fi
	say "loaded: $(cat /sys/kernel/kexec_crash_loaded)"
	echo vfio-pci >"/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" >"/sys/bus/pci/devices/$bdf/driver/unbind"
	echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/bind ||
		{ ktap_fail crashed "$bdf: vfio-pci bind failed"; ktap_exit; }
	group=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
	/kdump/holder "/dev/vfio/$group" "$size" >/tmp/holder.log 2>&1 &
	n=0
	while ! grep -q '^holder: holding' /tmp/holder.log && [ $n -lt 20 ]; do
		kill -0 $! 2>/dev/null || break
		sleep 1
		n=$((n + 1))
	done
	while read -r line; do say "$line"; done </tmp/holder.log
	grep -q '^holder: holding' /tmp/holder.log ||
		{ ktap_fail crashed "the holder did not get the group"; ktap_exit; }
	[ ! -e "$ddw" ] ||
		{ ktap_fail crashed "$ddw still there with the PE owned"; ktap_exit; }
	say "crashing with the PE of $bdf owned by VFIO"
	sync
	# the console writes what it was given before the crash
	sleep 1
	echo c >/proc/sysrq-trigger
	sleep 10
	ktap_fail crashed "still running 10 s after sysrq c"
	ktap_exit
fi

ktap_plan 3
ktap_check crash_kernel_booted "/proc/vmcore: $(wc -c </proc/vmcore) bytes" \
	test -s /proc/vmcore
# what the kernel found of the windows the device tree described
dmesg | grep 'as the device tree describes it\|DMA windows: \|window-info removed\|dma-window removed\|no DMA window' |
	sed 's/^/# /'
ktap_check stale_windows_found_and_pe_reset "" \
	sh -c "dmesg | grep -q 'linux,direct64-ddr-window-info is not as the device tree describes it' &&
		dmesg | grep -q \"reset of the PE's DMA windows: 0\""
n=0
while [ ! -b /dev/nvme0n1 ] && [ $n -lt 30 ]; do
	sleep 1
	n=$((n + 1))
done
marker=${t_disk_marker:-}
got=$(dd if=/dev/nvme0n1 bs=512 count=1 iflag=direct 2>/dev/null | head -c ${#marker})
dmesg | grep -i 'nvme' | tail -5 | sed 's/^/# /'
ktap_check nvme_reads_its_disk "read '$got' after ${n}s" \
	test -n "$marker" -a "$got" = "$marker"
ktap_exit

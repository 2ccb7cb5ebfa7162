# shellcheck shell=sh
# Start an L2 pseries guest under KVM in this L1 with Debian's QEMU.
#   l2_qemu LOG [extra QEMU arguments...]
# The L2 runs /l2/vmlinux with /l2/initramfs.cpio; its console and QEMU's
# messages go to LOG. L2_APPEND adds to its command line, L2_TIMEOUT
# bounds the run (240 s), L2_PRELOAD is an LD_PRELOAD library for QEMU.
l2_qemu() {
	log=$1
	shift
	# The emulated L0 offers none of the speculation mitigations nor the
	# count-cache-flush assist; KVM refuses an L2 that asks for them. A
	# nested (pSeries) L1 gives neither FWNMI nor the large decrementer.
	caps=cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
	grep -q '^platform.*pSeries' /proc/cpuinfo && caps=$caps,cap-fwnmi=off,cap-large-decr=off
	env ${L2_PRELOAD:+LD_PRELOAD=$L2_PRELOAD} \
		timeout "${L2_TIMEOUT:-240}" qemu-system-ppc64 -display none -monitor none \
		-nodefaults -serial stdio -m 512M -smp 1 -accel kvm -cpu host \
		-M "pseries,x-vof=on,kvm-type=HV,$caps" \
		-kernel /l2/vmlinux -initrd /l2/initramfs.cpio \
		-append "console=hvc0 panic=-1 ${L2_APPEND:-}" "$@" </dev/null >"$log" 2>&1
}

# bind_to DRIVER BDF: hand the PCI device to DRIVER (vfio-pci, nvme)
bind_to() {
	d=/sys/bus/pci/devices/$2
	[ -e "$d/driver" ] && echo "$2" >"$d/driver/unbind"
	echo "$1" >"$d/driver_override"
	echo "$2" >"/sys/bus/pci/drivers/$1/bind"
	echo >"$d/driver_override"
}

# KVM's TCE statistics of the running L2, summed over its vCPUs
kvm_tce_stats() {
	for f in /sys/kernel/debug/kvm/*-*/tce_*; do
		[ -f "$f" ] && echo "${f##*/} $(cat "$f")"
	done | awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' | sort
}

# stats_start FILE: sample them into FILE every 0.2 s until stats_stop,
# and the L1's interrupt counts of VFIO devices into FILE.irq;
# the VM's debugfs directory goes with it, so they are read while it runs
stats_start() {
	: >"$1"
	: >"$1.irq"
	(
		while :; do
			kvm_tce_stats >"$1.new"
			# all nine counters, not a VM's half-removed directory
			[ "$(wc -l <"$1.new")" -ge 9 ] && mv "$1.new" "$1"
			# and the L1's interrupts of the device (vfio-msix, -intx)
			grep vfio /proc/interrupts >"$1.irq.new" && mv "$1.irq.new" "$1.irq"
			sleep 0.2
		done
	) &
	stats_poller=$!
}
stats_stop() {
	kill "$stats_poller"
	wait "$stats_poller" 2>/dev/null
}

# stat_of NAME FILE: one counter of a stats FILE (0 if absent)
stat_of() {
	awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$2"
}

# shellcheck shell=sh
# Start an L2 pseries guest under KVM in this L1 with Debian's QEMU.
#   l2_qemu LOG [extra QEMU arguments...]
# The L2 runs /l2/vmlinux with /l2/initramfs.cpio; its console and QEMU's
# messages go to LOG. L2_APPEND adds to its command line, L2_TIMEOUT
# bounds the run (240 s), L2_PRELOAD is an LD_PRELOAD library for QEMU,
# L2_MEM is its -m (512M).
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
		-nodefaults -serial stdio -m "${L2_MEM:-512M}" -smp 1 -accel kvm -cpu host \
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
		# (the VM may go while they are read)
		[ -f "$f" ] && echo "${f##*/} $(cat "$f" 2>/dev/null)"
	done | awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' | sort
}

# how many there are (6.1's series counts real mode too): KVM has a
# top-level debugfs file for each, VM or none
tce_counters=0
for f in /sys/kernel/debug/kvm/tce_*; do
	[ -f "$f" ] && tce_counters=$((tce_counters + 1))
done

# stats_start FILE: sample them into FILE every 0.2 s until stats_stop,
# and the L1's interrupt counts of VFIO devices into FILE.irq;
# the VM's debugfs directory goes with it, so they are read while it runs
stats_start() {
	: >"$1"
	: >"$1.irq"
	(
		while :; do
			kvm_tce_stats >"$1.new"
			# every counter, not a VM's half-removed directory
			[ "$(wc -l <"$1.new")" -ge "$tce_counters" ] && mv "$1.new" "$1"
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

# Pages pinned in the whole system now (pin_user_pages() and friends)
pinned_pages() {
	awk '$1 == "nr_foll_pin_acquired" { a = $2 }
		$1 == "nr_foll_pin_released" { r = $2 } END { print a - r }' /proc/vmstat
}

# pinned_pages once it stays the same for a second (/proc/vmstat lags
# the CPUs' counts; an exited QEMU's pages go after a grace period)
pinned_steady() {
	a=$(pinned_pages)
	n=0
	while sleep 1 && [ "$(pinned_pages)" != "$a" ] && [ $n -lt 10 ]; do
		a=$(pinned_pages)
		n=$((n + 1))
	done
	pinned_pages
}

# pinned_settled WANT: pinned_pages once it is WANT, or after 10 s (memory
# registered with a v2 container is unpinned after an RCU grace period)
pinned_settled() {
	n=0
	while [ "$(pinned_pages)" != "$1" ] && [ $n -lt 50 ]; do
		sleep 0.2
		n=$((n + 1))
	done
	pinned_pages
}

# TCE hcalls KVM completed (real and virtual mode) in the running L2
tce_handled() {
	kvm_tce_stats | awk '$1 ~ /_(real|virt)$/ { s += $2 } END { print s + 0 }'
}

# busy_start NAME BDF: the L2 in the background with the controller as
# device "hostnvme" and t_l2_busy=1 (DMA until QEMU goes), on the 32-bit
# window (a TCE hcall per read). Its log is /tmp/l2-NAME.log; QMP commands
# go to it through qmp, its answers and events into /tmp/l2-NAME.qmp.
# Sets busy_job to the background job.
busy_start() {
	rm -f /tmp/l2qmp.in /tmp/l2qmp.out
	mkfifo /tmp/l2qmp.in /tmp/l2qmp.out
	: >"/tmp/l2-$1.log"
	cat /tmp/l2qmp.out >"/tmp/l2-$1.qmp" &
	L2_TIMEOUT=600 L2_APPEND="t_l2_busy=1 disable_ddw" \
		l2_qemu "/tmp/l2-$1.log" -device "vfio-pci,host=$2,id=hostnvme" \
		-chardev pipe,id=qmp0,path=/tmp/l2qmp -mon chardev=qmp0,mode=control &
	busy_job=$!
	qmp '"qmp_capabilities"'
}

# qmp COMMAND [ARGUMENTS]: a QMP command (a JSON string) with its
# arguments (a JSON object) to the L2 started by busy_start. Opening the
# FIFO waits for QEMU to hold it: a QEMU that never started or has died
# fails the command after QMP_WAIT (30) seconds instead of hanging the test.
qmp() {
	# shellcheck disable=SC2016 # $1 is the inner sh's
	timeout "${QMP_WAIT:-30}" sh -c 'echo "$1" >/tmp/l2qmp.in' qmp \
		"{\"execute\": $1${2:+, \"arguments\": $2}}"
}

# busy_wait LOG: once the L2 has started its DMA (or after 300 s), the
# TCE hcalls KVM completed in one second
busy_wait() {
	n=0
	while ! grep -q '@@@L2-BUSY@@@' "$1" && [ $n -lt 300 ] && kill -0 "$busy_job" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
	done
	a=$(tce_handled)
	sleep 1
	echo $(($(tce_handled) - a))
}

# vm_count: KVM guests in this L1 (their debugfs directories, PID-FD)
vm_count() {
	n=0
	for d in /sys/kernel/debug/kvm/*-*; do
		[ -d "$d" ] && n=$((n + 1))
	done
	echo $n
}

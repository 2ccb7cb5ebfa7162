#!/bin/sh
# The real client: Debian's QEMU in this L1 gives the NVMe controller to an
# L2 KVM guest with -device vfio-pci, three times: with the L2's dynamic
# DMA window (its RAM mapped once; a maxmem of 256G makes it a window of
# 512G, more than 2M TCEs of 64K, which QEMU asks VFIO for with two
# levels), with disable_ddw (the 32-bit window,
# mapped per I/O), and as the control with disable_ddw and QEMU told that
# KVM lacks KVM_CAP_SPAPR_TCE_VFIO (/bench/nocap.so, 6.1's pSeries path).
# Each time QEMU must take the v2 container and the L2 must read the
# disk's marker and read back a pattern it wrote, every nvme command
# completed by its MSI-X interrupt (none polled after a timeout, with the
# driver's own timeouts). The first two must link
# the guest's TCE table to the window in KVM (vfio_spapr_group_attach,
# kvm_ppc_tce_link) and see no TCE hcall in QEMU (spapr_iommu_pci_*
# trace events), KVM's statistics counting the hcalls it handled and none
# passed on; the control must not link, and its hcalls must go to QEMU,
# counted as passed on. On a POWER8 PowerNV L1 (hcalls arrive in real
# mode) the linked runs must complete TCE hcalls in real mode unless
# kvm_hv.tce_realmode is N, elsewhere none may. Between the linked runs and the control, two runs take the
# controller away while the L2 does DMA through it (TCE hcalls completing
# in KVM): device_del from QEMU's monitor, and SIGKILL of QEMU. Each time
# the group must come back to the L1 and every page QEMU pinned must be
# unpinned (the control then shows the controller still works). Then the
# L1's nvme driver must read the marker again, and no TCE write to L0 may
# have failed.
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=lib/l2.sh
. /tests/lib/l2.sh
ktap_plan 31
bdf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/class")" = 0x010802 ] && bdf=${d##*/} && break
done
passes="ddw noddw control"
checks="qemu_takes_v2_container no_completion_polled tce_table_linked no_tce_hcall_in_qemu real_mode l2_reads_and_writes_disk"
pull_checks="unplugged_during_dma unplugged_group_given_back unplugged_tce_table_unlinked
	unplugged_pages_unpinned unplugged_guest_runs_on
	killed_during_dma killed_vm_destroyed killed_pages_unpinned killed_group_opens"
# KVM-HV on POWER7/8 takes hcalls in real mode first: both series have
# real mode handlers there (no kvm_hv.tce_realmode fails), unless the
# parameter turns them off (on 6.12 it reads N where the kernel cannot do
# real mode; 6.1's reads Y there all the same)
realmode=0
grep -q '^cpu.*POWER8' /proc/cpuinfo && grep -q '^platform.*PowerNV' /proc/cpuinfo &&
	[ "$(cat /sys/module/kvm_hv/parameters/tce_realmode 2>/dev/null)" != N ] && realmode=1
if [ ! -c /dev/kvm ] || [ -z "$bdf" ] || [ -z "${t_disk_marker:-}" ]; then
	why="needs /dev/kvm, an NVMe controller and t_disk_marker"
	ktap_skip vfio_pci_bound "$why"
	ktap_skip ddw_window_for_maxmem "$why"
	for p in $passes; do
		for t in $checks; do
			ktap_skip "${p}_$t" "$why"
		done
	done
	for t in $pull_checks; do
		ktap_skip "$t" "$why"
	done
	ktap_skip host_reads_disk_again "$why"
	ktap_skip l0_took_every_tce "$why"
	ktap_exit
fi
dev=/sys/bus/pci/devices/$bdf
bind_to vfio-pci "$bdf"
ktap_check vfio_pci_bound "$bdf" test "$(basename "$(readlink "$dev/driver")")" = vfio-pci

# the KVM trace events of the TCE links and of hcalls passed to QEMU
tracing=/sys/kernel/debug/tracing
tr_on() {
	for e in kvm_ppc_tce_link kvm_ppc_tce_unlink kvm_ppc_tce_to_user; do
		echo "$1" >"$tracing/events/kvm/$e/enable"
	done
	[ "$1" = 1 ] && : >"$tracing/trace"
}

# l2_pass NAME [L2 kernel arguments...]: one L2 run with the controller,
# with the nvme driver's own timeouts: every completion must come by its
# MSI-X interrupt, none by polling after a timeout (before fix 29 a nested
# pSeries L1 lost the interrupts of vector 0 when QEMU gave the vector the
# guest's eventfd: five admin commands per boot were found by polling).
l2_pass() {
	pass=$1
	shift
	log=/tmp/l2-$pass.log
	stats=/tmp/l2-$pass.stats
	stats_start "$stats"
	tr_on 1
	preload=
	[ "$pass" = control ] && preload=/bench/nocap.so
	mem=512M
	[ "$pass" = ddw ] && mem=512M,slots=1,maxmem=256G
	L2_MEM=$mem L2_PRELOAD=$preload L2_APPEND="t_l2_disk=$t_disk_marker $*" \
		l2_qemu "$log" -device "vfio-pci,host=$bdf" \
		-trace "enable=vfio_spapr*" -trace "enable=spapr_iommu_pci*"
	rc=$?
	tr_on 0
	stats_stop
	tr -d '\r' <"$log" | grep -v '^vfio_spapr\|^spapr_iommu' | grep -i 'dma\|ddw\|iommu\|tce' | sed "s/^/# $pass L2: /"
	tr -d '\r' <"$log" | grep -v '^vfio_spapr\|^spapr_iommu' | tail -8 | sed "s/^/# $pass L2: /"
	polled=$(grep -c 'completion polled' "$log")
	tr -d '\r' <"$log" | grep -m3 'completion polled' | sed "s/^/# $pass L2: /"
	tr -d '\r' <"$log" | sed -n "s/^@@@L2-IRQ@@@ /# $pass L2 interrupts: /p"
	grep -m4 '^vfio_spapr' "$log" | sed "s/^/# $pass QEMU: /"
	tr '\n' ' ' <"$stats" | sed "s/^/# $pass KVM: /"
	echo
	sed "s/^ */# $pass L1 interrupts: /" "$stats.irq"
	grep -m2 'kvm_ppc_tce' "$tracing/trace" | sed "s/^ */# $pass trace: /"
	links=$(grep -c 'kvm_ppc_tce_link:.* ret=0' "$tracing/trace")
	attach=$(grep -c '^vfio_spapr_group_attach' "$log")
	to_user=$(grep -c 'kvm_ppc_tce_to_user:' "$tracing/trace")
	in_qemu=$(grep -c '^spapr_iommu_pci_\(put\|indirect\|stuff\)' "$log")
	real=$(awk '/_real /{ s += $2 } END { print s + 0 }' "$stats")
	virt=$(awk '/_virt /{ s += $2 } END { print s + 0 }' "$stats")
	user=$(awk '/_user /{ s += $2 } END { print s + 0 }' "$stats")
	ktap_check "${pass}_qemu_takes_v2_container" "qemu exit $rc" \
		grep -q '^vfio_spapr_create_window' "$log"
	ktap_check "${pass}_no_completion_polled" \
		"$polled nvme commands of the L2 completed by polling after a timeout" \
		test "$polled" = 0
	if [ "$pass" = ddw ]; then
		win=$(sed -n 's/^vfio_spapr_create_window pageshift=\(0x[0-9a-f]*\) levels=\([0-9]*\) winsize=\(0x[0-9a-f]*\).*/\1 \2 \3/p' "$log" |
			while read -r ps lv ws; do
				[ $((ws)) -ge $((1 << 38)) ] && echo "pageshift $ps, $lv levels, size $ws"
			done | head -1)
		ktap_check ddw_window_for_maxmem "${win:-no window of 256G or more created}" \
			test -n "$win"
	fi
	handled=$((real + virt))
	counts="$in_qemu TCE hcalls reached QEMU; KVM handled $handled ($real in real mode), passed $user ($to_user kvm_ppc_tce_to_user events)"
	if [ "$pass" = control ]; then
		# QEMU without KVM_CAP_SPAPR_TCE_VFIO: 6.1's pSeries path
		ktap_check "${pass}_tce_table_not_linked" \
			"$attach vfio_spapr_group_attach in QEMU, $links kvm_ppc_tce_link in KVM" \
			test "$attach" = 0 -a "$links" = 0
		ktap_check "${pass}_tce_hcalls_in_qemu" "$counts" \
			test "$in_qemu" -gt 0 -a "$handled" = 0 -a "$user" -gt 0 -a "$to_user" -gt 0
		ktap_check "${pass}_real_mode" "$real TCE hcalls completed in real mode" \
			test "$real" = 0
	else
		ktap_check "${pass}_tce_table_linked" \
			"$attach vfio_spapr_group_attach in QEMU, $links kvm_ppc_tce_link in KVM" \
			test "$attach" -gt 0 -a "$links" -gt 0
		ktap_check "${pass}_no_tce_hcall_in_qemu" "$counts" \
			test "$in_qemu" = 0 -a "$handled" -gt 0 -a "$user" = 0 -a "$to_user" = 0
		if [ "$realmode" = 1 ]; then
			ktap_check "${pass}_real_mode" "$real of $handled TCE hcalls completed in real mode (POWER8 KVM-HV)" \
				test "$real" -gt 0
		else
			ktap_check "${pass}_real_mode" "$real TCE hcalls completed in real mode (none expected on this host)" \
				test "$real" = 0
		fi
	fi
	ktap_check "${pass}_l2_reads_and_writes_disk" "$(grep -m1 '@@@L2-NVME@@@' "$log")" \
		grep -q '^@@@L2-NVME@@@ marker=ok pattern=ok' "$log"
}
l2_pass ddw
l2_pass noddw disable_ddw

group=$(basename "$(readlink "$dev/iommu_group")")
# the group's file opens: nobody (QEMU) holds it
group_opens() {
	(exec 3<>"/dev/vfio/$group") 2>/dev/null
}
qemu_lck() {
	sed -n 's/^VmLck:[[:space:]]*//p' "/proc/$(pidof qemu-system-ppc64)/status" 2>/dev/null
}
l2_booted() {
	test "$(tr -d '\r' <"$1" | grep -c '^@@@L2-USERSPACE@@@')" -ge "$2"
}

# busy_begin NAME WHAT: the L2 started with busy_start, its DMA running
# (TCE hcalls completing in KVM, its memory pinned) before WHAT is done to
# it; sets base (the pages pinned before), pins (QEMU's) and log
busy_begin() {
	base=$(pinned_steady)
	tr_on 1
	busy_start "$1" "$bdf"
	log=/tmp/l2-$1.log
	rate=$(busy_wait "$log")
	pins=$(($(pinned_pages) - base))
	ktap_check "$1_during_dma" "$rate TCE hcalls completed by KVM in the second before $2, $pins pages pinned, QEMU's VmLck $(qemu_lck)" \
		test "$rate" -gt 0 -a "$pins" -gt 0
}
# links_undone NAME VMS: every TCE table link made since busy_begin was
# undone by the group's removal from the KVM-VFIO device (QEMU links a
# group again after a reset: that is no new link), with VMS guests running
links_undone() {
	sed -n 's/.*kvm_ppc_tce_link: \(.*\) ret=0$/\1/p' "$tracing/trace" | sort -u >/tmp/links
	sed -n 's/.*kvm_ppc_tce_unlink: //p' "$tracing/trace" | sort -u >/tmp/unlinks
	grep 'kvm_ppc_tce_\(link\|unlink\):' "$tracing/trace" | sed "s/^ */# $1 trace: /"
	tr_on 0
	ktap_check "$1_tce_table_unlinked" "$(wc -l </tmp/links) links, $(wc -l </tmp/unlinks) undone, $(vm_count) VMs" \
		test -s /tmp/links -a "$(vm_count)" = "$2" -a "$(cat /tmp/links)" = "$(cat /tmp/unlinks)"
}
# pins_back NAME: the pages pinned back where they were before busy_begin
pins_back() {
	left=$(($(pinned_settled "$base") - base))
	ktap_check "$1_pages_unpinned" "$left of $pins pages still pinned" test "$left" = 0
}

# device_del while the L2 does DMA. The L2 has no drmgr to release its
# slot; QEMU completes the unplug at the reset that follows. QEMU must
# then give the group back and unpin every page while it and its VM run on.
busy_begin unplugged device_del
busy_lck=$(qemu_lck)
qmp '"device_del"' '{"id": "hostnvme"}'
sleep 2
qmp '"system_reset"'
n=0
while ! group_opens && [ $n -lt 60 ]; do
	sleep 1
	n=$((n + 1))
done
lck=$(qemu_lck)
page_kb=$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)
# QEMU says so, its VM runs on, its VmLck dropped by what it had pinned
# (what stays is what KVM accounts for the guest's TCE tables)
# shellcheck disable=SC2317 # called by ktap_check
given_back() {
	test "$n" -lt 60 -a -n "$lck" -a "$(vm_count)" = 1 &&
		test $((${busy_lck% kB} - ${lck% kB})) -ge $((pins * page_kb)) &&
		grep -q '"DEVICE_DELETED".*"hostnvme"' /tmp/l2-unplugged.qmp
}
ktap_check unplugged_group_given_back "after ${n}s, $(grep -c DEVICE_DELETED /tmp/l2-unplugged.qmp) DEVICE_DELETED; $(vm_count) VM, QEMU's VmLck from $busy_lck to $lck (the pages pinned: $((pins * page_kb)) kB)" \
	given_back
# QEMU took the group out of its KVM-VFIO device: KVM undid every link
links_undone unplugged 1
pins_back unplugged
n=0
while ! l2_booted "$log" 2 && [ $n -lt 180 ] && kill -0 "$busy_job" 2>/dev/null; do
	sleep 1
	n=$((n + 1))
done
ktap_check unplugged_guest_runs_on "the L2 started again after the reset: $(tr -d '\r' <"$log" | grep -c '^@@@L2-USERSPACE@@@') boots" \
	l2_booted "$log" 2
qmp '"quit"'
wait "$busy_job"
echo "# unplugged: QEMU exit $?"
tr -d '\r' <"$log" | grep -v '^ *$' | tail -3 | sed 's/^/# unplugged L2: /'
grep -o '"event": "[A-Z_]*"' /tmp/l2-unplugged.qmp | tr '\n' ' ' | sed 's/^/# unplugged QMP events: /'
echo

# SIGKILL of QEMU while the L2 does DMA: the VM goes, the group comes
# back, every page is unpinned.
busy_begin killed SIGKILL
kill -KILL "$(pidof qemu-system-ppc64)"
wait "$busy_job"
rc=$?
n=0
while [ "$(vm_count)" != 0 ] && [ $n -lt 30 ]; do
	sleep 1
	n=$((n + 1))
done
ktap_check killed_vm_destroyed "QEMU exit $rc, $(vm_count) VMs left after ${n}s" \
	test "$rc" = 137 -a "$(vm_count)" = 0
# (the VM's end drops its links with its TCE tables, untraced: kmemleak,
# last on the debug kernel, finds them if they stayed)
tr_on 0
pins_back killed
ktap_check killed_group_opens "" group_opens
tr -d '\r' <"$log" | grep -v '^ *$' | tail -2 | sed 's/^/# killed L2: /'

l2_pass control disable_ddw

bind_to nvme "$bdf"
n=0
while [ ! -b /dev/nvme0n1 ] && [ $n -lt 60 ]; do sleep 1; n=$((n + 1)); done
sleep 1
got=$(dd if=/dev/nvme0n1 bs=512 count=1 iflag=direct 2>/dev/null | head -c ${#t_disk_marker})
ktap_check host_reads_disk_again "read '$got'" test "$got" = "$t_disk_marker"
# a TCE the hypervisor refused: the L1's copy and L0's table disagree
# (a pSeries L1's message, which 6.1's series prints and 6.12 does not;
# a PowerNV L1 writes its tables itself)
if ! grep -q '^platform.*pSeries' /proc/cpuinfo; then
	ktap_skip l0_took_every_tce "PowerNV: no L0 hypervisor holds the TCE tables"
elif ! uname -r | grep -q '^6\.1\.'; then
	ktap_skip l0_took_every_tce "$(uname -r) reports no refused TCE write"
else
	bad=$(dmesg | grep -c 'TCEs at .* failed')
	ktap_check l0_took_every_tce "$bad TCE writes to L0 failed" test "$bad" = 0
fi
ktap_exit

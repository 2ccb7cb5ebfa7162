#!/bin/sh
# The benchmark (make bench, not make check): the NVMe controller given to
# an L2 KVM guest by Debian's QEMU, with the series' in-kernel TCE handling
# (accel) and without it (control: QEMU is told KVM lacks
# KVM_CAP_SPAPR_TCE_VFIO, by the LD_PRELOAD shim /bench/nocap.so, and keeps
# the TCE table in userspace). Each repeat runs, for both, the L2 with its
# dynamic DMA window (time until its disk appears: its memory mapped) and
# with disable_ddw (4K and 2M direct reads, a mapping per read). It prints
# one '# BENCH' line per run, with the L2's times, KVM's TCE statistics,
# the TCE hcalls that reached QEMU (traced in the linked runs, counted by
# KVM as passed on in the control) and, on a pSeries L1, the TCE hcalls
# this L1 made to L0 (debugfs hcall_inst).
# t_bench_modes and t_bench_windows (comma-separated) choose the runs: on a POWER8 PowerNV L1
# the modes real (kvm_hv.tce_realmode=Y) and virt (=N) split accel into
# the real mode and the virtual mode handlers.
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=lib/l2.sh
. /tests/lib/l2.sh
reps=${t_bench_reps:-3}
# (kernel arguments: comma-separated)
modes=$(echo "${t_bench_modes:-accel,control}" | tr ',' ' ')
windows=$(echo "${t_bench_windows:-ddw,noddw}" | tr ',' ' ')
runs=$((reps * $(echo "$modes" | wc -w) * $(echo "$windows" | wc -w)))
ktap_plan "$runs"
bdf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/class")" = 0x010802 ] && bdf=${d##*/} && break
done
platform=$(sed -n 's/^platform[[:space:]]*: //p' /proc/cpuinfo)
cpu=$(sed -n 's/^cpu[[:space:]]*: \(POWER[0-9]*\).*/\1/p' /proc/cpuinfo | head -1)
realmode=/sys/module/kvm_hv/parameters/tce_realmode
realmode_was=$(cat "$realmode" 2>/dev/null)
if [ ! -c /dev/kvm ] || [ -z "$bdf" ]; then
	for i in $(seq "$runs"); do
		ktap_skip "run_$i" "needs /dev/kvm and an NVMe controller"
	done
	ktap_exit
fi
bind_to vfio-pci "$bdf"

# The TCE hcalls this L1 made to L0 so far: PUT (0x20), GET (0x1c),
# INDIRECT (0x13c), STUFF (0x138), from debugfs hcall_inst (pSeries)
hinst=/sys/kernel/debug/hcall_inst
l0_tce_hcalls() {
	[ -d "$hinst" ] || { echo "- - - -"; return; }
	cat "$hinst"/cpu* | awk '
		$1 == 32 { p += $2 } $1 == 28 { g += $2 }
		$1 == 316 { i += $2 } $1 == 312 { s += $2 }
		END { print p + 0, g + 0, i + 0, s + 0 }'
}

# run REP MODE WINDOW [L2 kernel arguments]
run() {
	rep=$1 mode=$2 win=$3
	shift 3
	log=/tmp/bench-$mode-$win-$rep.log
	stats=/tmp/bench-$mode-$win-$rep.stats
	preload=
	[ "$mode" = control ] && preload=/bench/nocap.so
	case $mode in
	real) echo Y >"$realmode" ;;
	virt) echo N >"$realmode" ;;
	esac
	l0_tce_hcalls >/tmp/l0.before
	stats_start "$stats"
	l2args="t_l2_bench=1 $* t_l2_n4k=${t_l2_n4k:-2000} t_l2_n2m=${t_l2_n2m:-16}"
	# QEMU traces the TCE hcalls that reach it where none may (the linked
	# runs); the control's, which a trace would slow down, KVM counts as
	# passed on (tce_*_user)
	set --
	[ "$mode" = control ] || set -- -trace 'enable=spapr_iommu_pci*'
	L2_PRELOAD=$preload L2_TIMEOUT=900 L2_APPEND=$l2args \
		l2_qemu "$log" -device "vfio-pci,host=$bdf" \
		-trace "enable=vfio_spapr_group_attach" "$@"
	rc=$?
	stats_stop
	[ -n "$realmode_was" ] && echo "$realmode_was" >"$realmode"
	l0_tce_hcalls >/tmp/l0.after
	read -r p0 g0 i0 s0 </tmp/l0.before
	read -r p1 g1 i1 s1 </tmp/l0.after
	if [ "$p0" = - ]; then
		l0="l0_put=- l0_get=- l0_indirect=- l0_stuff=-"
	else
		l0="l0_put=$((p1 - p0)) l0_get=$((g1 - g0)) l0_indirect=$((i1 - i0)) l0_stuff=$((s1 - s0))"
	fi
	res=$(tr -d '\r' <"$log" | sed -n 's/^@@@L2-BENCH@@@ //p')
	line="platform=$platform cpu=$cpu mode=$mode window=$win rep=$rep $res"
	line="$line linked=$(grep -c '^vfio_spapr_group_attach' "$log")"
	for h in put indirect stuff; do
		line="$line ${h}_real=$(stat_of tce_${h}_real "$stats")"
		line="$line ${h}_virt=$(stat_of tce_${h}_virt "$stats")"
		if [ "$mode" = control ]; then
			line="$line ${h}_qemu=$(stat_of tce_${h}_user "$stats")"
		else
			line="$line ${h}_qemu=$(grep -c "^spapr_iommu_pci_$h" "$log")"
		fi
	done
	echo "# BENCH $line $l0"
	# a run counts only as what it claims to be: the control unlinked
	# (nocap.so took effect) with its TCE hcalls in QEMU, the others linked
	linked=$(grep -c '^vfio_spapr_group_attach' "$log")
	inqemu=$(grep -c '^spapr_iommu_pci_\(put\|indirect\|stuff\)' "$log")
	[ "$mode" = control ] && inqemu=$(awk '/_user /{ s += $2 } END { print s + 0 }' "$stats")
	handled=$(awk '/_(real|virt) /{ s += $2 } END { print s + 0 }' "$stats")
	real=$(awk '/_real /{ s += $2 } END { print s + 0 }' "$stats")
	ktap_check "${mode}_${win}_$rep" "qemu exit $rc, linked $linked, TCE hcalls in QEMU $inqemu, in KVM $handled ($real in real mode)" \
		run_is "$mode" "$res" "$linked" "$inqemu" "$handled" "$real"
}

# run_is MODE RESULT LINKED INQEMU HANDLED REAL: the run finished as MODE
# says it ran (real: some TCE hcalls in real mode, virt: none, as a kernel
# that cannot do real mode keeps tce_realmode at N)
# shellcheck disable=SC2317 # called by ktap_check
run_is() {
	[ -n "$2" ] || return 1
	case $1 in
	control) [ "$3" = 0 ] && [ "$4" -gt 0 ] && [ "$5" = 0 ] ;;
	real) [ "$3" -gt 0 ] && [ "$4" = 0 ] && [ "$6" -gt 0 ] ;;
	virt) [ "$3" -gt 0 ] && [ "$4" = 0 ] && [ "$6" = 0 ] ;;
	*) [ "$3" -gt 0 ] && [ "$4" = 0 ] ;;
	esac
}

for rep in $(seq "$reps"); do
	for mode in $modes; do
		for win in $windows; do
			if [ "$win" = ddw ]; then
				run "$rep" "$mode" ddw
			else
				run "$rep" "$mode" noddw disable_ddw
			fi
		done
	done
done
bind_to nvme "$bdf"
ktap_exit

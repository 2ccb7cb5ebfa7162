#!/usr/bin/env bash
# Boot one named scenario (scenarios/NAME.conf) under qemu-system-ppc64,
# let the guest run its tests, and leave in $LOGS:
#   NAME.console   the whole console (L2 consoles included, through L1's)
#   NAME.ktap      the KTAP document the guest printed
#   NAME.reports   kernel reports (scripts/reports.pattern) found
#   NAME.skips     the skips the scenario expects (SKIPS), for ktap.py
#   NAME.papr      pSeries: the L0's trace of the guest's TCE and DDW calls
#   NAME.papr.ktap pSeries: papr_monitor.py's verdict on them, for ktap.py
#   NAME.status    NAME, "ok" or what went wrong, seconds (written last)
# Exit status 0 when the guest finished; 1 on timeout, a crash or a report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: scenario.sh NAME}
# nothing of an earlier run may stand for this one, even if this one stops
# at its configuration
rm -f "$LOGS/$name".{ktap,reports,status,seconds,skips,qemu,console,console.txt,papr,papr.ktap}
# SCENARIO_DIR: where NAME.conf is (scenarios; bench for make bench)
dir=${SCENARIO_DIR:-scenarios}
conf=$TOP/$dir/$name.conf
[ -f "$conf" ] || die "no scenario $name ($dir/$name.conf)"

# Settings a scenario may give (the defaults are here):
MACHINE=                 # -M value
CPU=                     # -cpu value, if any
MEM=2G                   # -m value
SMP=1
IMAGE=guest              # initramfs: guest or l1kvm
DEVICES=()               # extra QEMU arguments
DISK=                    # size of the raw disk images to create
DISKS=1                  # how many: drive ids d0, d1, ...
APPEND=                  # extra kernel arguments (t_* go to the tests)
NODEFAULTS=1             # 0: keep QEMU's default devices (powernv's PHBs)
TIMEOUT=120              # seconds for the whole run
TESTS=                   # tests the guest runs, comma-separated
KERNEL=                  # an experiment kernel (variants/[BASE/]NAME)
SKIPS=()                 # the skips this scenario expects: "GLOB -- why",
                         # GLOB matching a test point's name ("PROG: POINT")
PAPR_MONITOR=            # pSeries: 0 to trace no TCE call (the benchmarks)
EXPECTED_REPORTS=()      # kernel reports the scenario causes on purpose: each
                         # a console line, exactly; it must be there (once or
                         # more), and is not a report then
BASES=(6.1)              # the bases it applies to (bases/*.conf); a
                         # configuration may set what differs by $BASE,
                         # but not BASES, IMAGE or TIMEOUT (make check
                         # reads those without a base)
# shellcheck source=/dev/null
. "$conf"
[ -n "$MACHINE" ] || die "$conf sets no MACHINE"
[[ " ${BASES[*]} " == *" $BASE "* ]] ||
	die "scenario $name is for the bases ${BASES[*]}, not $BASE (its BASES)"
# SCENARIO_TESTS: run these tests instead of the scenario's (make run)
TESTS=${SCENARIO_TESTS:-$TESTS}

DISK_MARKER=SPAPR-VFIO-DISK-MARKER
mkdir -p "$LOGS"
console=$LOGS/$name.console
for s in "${SKIPS[@]}"; do
	case $s in
	*' -- '*) printf '%s\t%s\n' "${s%% -- *}" "${s#* -- }" ;;
	*) die "$conf: SKIPS entry without ' -- why': $s" ;;
	esac
done >"$LOGS/$name.skips"

vmlinux=$OBJ/vmlinux
# the kdump image carries $OBJ/vmlinux as the crash kernel
[ "$IMAGE" != kdump ] || [ -z "$KERNEL" ] ||
	die "$conf: IMAGE=kdump runs the kernel of $OBJ as the crash kernel, not KERNEL=$KERNEL"
initrd=$IMG/$IMAGE.cpio
if [ -n "$KERNEL" ]; then
	vmlinux=$BUILD/variants/$KERNEL/vmlinux
	[ -f "$vmlinux" ] || die "no $vmlinux: run scripts/variant.sh $KERNEL"
	# a kernel with modules (the Debian kernel): the image, then its
	# modules (the kernel unpacks one archive after the other)
	if [ -f "$BUILD/variants/$KERNEL/modules.cpio" ]; then
		initrd=$BUILD/variants/$KERNEL/$name.cpio
		cat "$IMG/$IMAGE.cpio" "$BUILD/variants/$KERNEL/modules.cpio" >"$initrd"
	fi
fi
args=(-M "$MACHINE" -m "$MEM" -smp "$SMP" -display none -monitor none
	-net none -no-reboot -serial "file:$console"
	-kernel "$vmlinux" -initrd "$initrd"
	-append "console=hvc0 panic=-1 t_tests=$TESTS $APPEND${DISK:+ t_disk_marker=$DISK_MARKER}")
[ -n "$CPU" ] && args+=(-cpu "$CPU")
[ "$NODEFAULTS" = 1 ] && args+=(-nodefaults)
if [ -n "$DISK" ]; then
	mkdir -p "$BUILD/disks"
	for ((i = 0; i < DISKS; i++)); do
		disk=$BUILD/disks/$name-d$i.raw
		"$TOP/scripts/mkdisk.sh" "$disk" "$DISK" "$DISK_MARKER"
		args+=(-drive "file=$disk,if=none,id=d$i,format=raw")
	done
fi
args+=("${DEVICES[@]}")
# A pSeries guest's calls for its PHBs' windows, as the L0 (QEMU) answers
# them, for papr_monitor.py: QEMU accepts what PowerVM may not
papr=
if [[ $MACHINE == pseries* ]] && [ "${PAPR_MONITOR:-1}" = 1 ]; then
	papr=$LOGS/$name.papr
	for e in pci_put pci_get pci_indirect pci_stuff 'ddw_*'; do
		args+=(-trace "enable=spapr_iommu_$e")
	done
	args+=(-D "$papr")
fi

start=$(date +%s)
rc=0
timeout --foreground -k 5 "$TIMEOUT" qemu-system-ppc64 "${args[@]}" \
	</dev/null >"$LOGS/$name.qemu" 2>&1 || rc=$?
secs=$(($(date +%s) - start))
echo "$secs" >"$LOGS/$name.seconds"

# The console file has CR LF line ends.
tr -d '\r' <"$console" >"$console.txt"
sed -n '/^@@@KTAP-BEGIN@@@$/,/^@@@KTAP-END@@@$/p' "$console.txt" |
	sed '1d;$d' >"$LOGS/$name.ktap"
report_scan "$console.txt" >"$LOGS/$name.reports"
missing=()
for r in "${EXPECTED_REPORTS[@]}"; do
	if grep -qxF -e "$r" "$LOGS/$name.reports"; then
		grep -vxF -e "$r" "$LOGS/$name.reports" >"$LOGS/$name.reports.tmp" || true
		mv "$LOGS/$name.reports.tmp" "$LOGS/$name.reports"
	else
		missing+=("$r")
	fi
done
if [ -n "$papr" ]; then
	python3 "$TOP/scripts/papr_monitor.py" "$papr" >"$LOGS/$name.papr.ktap"
elif [[ $MACHINE == pseries* ]]; then
	# untraced: a skip, which the scenario must declare like any other
	printf 'TAP version 13\n1..1\nok 1 papr_monitor # SKIP the L0 traced nothing (PAPR_MONITOR=0)\n' \
		>"$LOGS/$name.papr.ktap"
fi

status=ok
if ! grep -q '^@@@DONE@@@$' "$console.txt"; then
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		status="timeout after ${TIMEOUT}s"
	else
		status="guest did not finish (qemu exit $rc)"
	fi
elif [ -s "$LOGS/$name.reports" ]; then
	status="kernel reports on the console"
elif [ ${#missing[@]} -gt 0 ]; then
	status="no '${missing[0]}' on the console (the KTAP says why)"
fi
printf '%s\t%s\t%ss\n' "$name" "$status" "$secs" >"$LOGS/$name.status"
[ "$status" = ok ] || {
	say "scenario $name: $status (console: $console.txt)"
	sed 's/^/  /' "$LOGS/$name.reports" >&2
	tail -20 "$console.txt" | sed 's/^/  | /' >&2
	exit 1
}

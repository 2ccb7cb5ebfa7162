#!/bin/sh
# The real client: Debian's QEMU in this L1 gives the NVMe controller to an
# L2 KVM guest with -device vfio-pci. QEMU must take the v2 container (its
# trace shows the windows it creates), the L2 must read the disk's marker
# and read back a pattern it wrote, and the L1's nvme driver must read the
# marker again once the controller is back.
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=lib/l2.sh
. /tests/lib/l2.sh
ktap_plan 4
bdf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/class")" = 0x010802 ] && bdf=${d##*/} && break
done
if [ ! -c /dev/kvm ] || [ -z "$bdf" ] || [ -z "${t_disk_marker:-}" ]; then
	why="needs /dev/kvm, an NVMe controller and t_disk_marker"
	for t in vfio_pci_bound qemu_takes_v2_container l2_reads_and_writes_disk host_reads_disk_again; do
		ktap_skip $t "$why"
	done
	ktap_exit
fi
dev=/sys/bus/pci/devices/$bdf
echo "$bdf" >"$dev/driver/unbind" 2>/dev/null
echo vfio-pci >"$dev/driver_override"
echo "$bdf" >/sys/bus/pci/drivers/vfio-pci/bind
ktap_check vfio_pci_bound "$bdf" test "$(basename "$(readlink "$dev/driver")")" = vfio-pci

# The L2 does not get the controller's MSI-X interrupts (seen with QEMU
# 7.2 on a nested pSeries L1, also with x-no-kvm-msix): its nvme driver
# times out and finds the completions by polling. Short timeouts keep the
# data path, which is what this test checks, within minutes.
L2_APPEND="t_l2_disk=$t_disk_marker nvme_core.admin_timeout=2 nvme_core.io_timeout=2" \
	l2_qemu /tmp/l2v.log -device "vfio-pci,host=$bdf" \
	-trace "enable=vfio_spapr*"
rc=$?
tr -d '\r' </tmp/l2v.log | grep -v '^vfio_spapr' | tail -12 | sed 's/^/# L2: /'
echo "# L2: $(grep -c 'timeout, completion polled' /tmp/l2v.log) nvme commands completed by polling"
grep -m3 '^vfio_spapr' /tmp/l2v.log | sed 's/^/# QEMU: /'
ktap_check qemu_takes_v2_container "qemu exit $rc" grep -q 'vfio_spapr_create_window' /tmp/l2v.log
ktap_check l2_reads_and_writes_disk "$(grep -m1 '@@@L2-NVME@@@' /tmp/l2v.log)" \
	grep -q '^@@@L2-NVME@@@ marker=ok pattern=ok' /tmp/l2v.log

echo "$bdf" >"$dev/driver/unbind"
echo nvme >"$dev/driver_override"
echo "$bdf" >/sys/bus/pci/drivers/nvme/bind
echo >"$dev/driver_override"
n=0
while [ ! -b /dev/nvme0n1 ] && [ $n -lt 60 ]; do sleep 1; n=$((n + 1)); done
sleep 1
got=$(dd if=/dev/nvme0n1 bs=512 count=1 iflag=direct 2>/dev/null | head -c ${#t_disk_marker})
ktap_check host_reads_disk_again "read '$got'" test "$got" = "$t_disk_marker"
ktap_exit

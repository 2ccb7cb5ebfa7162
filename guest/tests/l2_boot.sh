#!/bin/sh
# An L2 pseries guest boots to its userspace under KVM in this L1, with
# Debian's qemu-system-ppc64 (no device passed yet).
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=lib/l2.sh
. /tests/lib/l2.sh
ktap_plan 2
if [ ! -c /dev/kvm ]; then
	ktap_fail kvm_device_present "/dev/kvm missing: no KVM in this L1"
	ktap_skip l2_reaches_userspace "no /dev/kvm"
	ktap_exit
fi
ktap_check kvm_device_present "" true
l2_qemu /tmp/l2.log
rc=$?
tr -d '\r' </tmp/l2.log | tail -15 | sed 's/^/# L2: /'
ktap_check l2_reaches_userspace "qemu exit $rc" grep -q '^@@@L2-USERSPACE@@@' /tmp/l2.log
ktap_exit

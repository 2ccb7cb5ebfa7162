#!/bin/sh
# An L2 pseries guest boots to its userspace under KVM in this L1, with
# Debian's qemu-system-ppc64 (no device passed yet).
. /tests/ktap.sh
ktap_plan 2
if [ ! -c /dev/kvm ]; then
	ktap_fail kvm_device_present "/dev/kvm missing: no KVM in this L1"
	ktap_skip l2_reaches_userspace "no /dev/kvm"
	ktap_exit
fi
ktap_result true kvm_device_present
# The cap-* values: the emulated L0 offers none of the speculation
# mitigations and no count-cache-flush assist; KVM refuses an L2 that asks
# for them.
timeout 240 qemu-system-ppc64 -display none -monitor none -nodefaults -serial stdio \
	-m 512M -smp 1 -accel kvm -cpu host \
	-M pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off \
	-kernel /l2/vmlinux -initrd /l2/initramfs.cpio -append "console=hvc0 panic=-1" \
	</dev/null >/tmp/l2.log 2>&1
rc=$?
sed 's/^/# L2: /' /tmp/l2.log | tr -d '\r' | tail -15
ktap_result "grep -q '^@@@L2-USERSPACE@@@' /tmp/l2.log" l2_reaches_userspace "qemu exit $rc"
ktap_exit

# shellcheck shell=sh
# Start an L2 pseries guest under KVM in this L1 with Debian's QEMU.
#   l2_qemu LOG [extra QEMU arguments...]
# The L2 runs /l2/vmlinux with /l2/initramfs.cpio; its console and QEMU's
# messages go to LOG. L2_APPEND adds to its command line, L2_TIMEOUT
# bounds the run (240 s).
l2_qemu() {
	log=$1
	shift
	# The emulated L0 offers none of the speculation mitigations nor the
	# count-cache-flush assist; KVM refuses an L2 that asks for them. A
	# nested (pSeries) L1 gives neither FWNMI nor the large decrementer.
	caps=cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
	grep -q '^platform.*pSeries' /proc/cpuinfo && caps=$caps,cap-fwnmi=off,cap-large-decr=off
	timeout "${L2_TIMEOUT:-240}" qemu-system-ppc64 -display none -monitor none \
		-nodefaults -serial stdio -m 512M -smp 1 -accel kvm -cpu host \
		-M "pseries,x-vof=on,kvm-type=HV,$caps" \
		-kernel /l2/vmlinux -initrd /l2/initramfs.cpio \
		-append "console=hvc0 panic=-1 ${L2_APPEND:-}" "$@" </dev/null >"$log" 2>&1
}

#!/usr/bin/env bash
# Check the packages make deb built (scripts/deb.sh), with dpkg-deb only:
#   debcheck.sh DIR RELEASE VERSION
# Prints KTAP: each package there with its version for ppc64el; the image
# holds the kernel, its configuration (Debian's VFIO and KVM values) and
# the modules a POWER KVM host passes devices through with, built for
# RELEASE; and each part of the series is in it (a function of the VFIO
# and of the pSeries part in System.map; the KVM part's statistics and
# trace events in kvm.ko); the headers carry what out-of-tree modules
# are built against. Exit status 1 if a check fails.
# shellcheck disable=SC2016 # (whole file) sh -c scripts expand their own $1, $2
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${1:?usage: debcheck.sh DIR RELEASE VERSION}
release=${2:?usage: debcheck.sh DIR RELEASE VERSION}
version=${3:?usage: debcheck.sh DIR RELEASE VERSION}
n=0
failed=0
check() { # NAME DIAGNOSTIC COMMAND...
	local name=$1 diag=$2
	shift 2
	n=$((n + 1))
	[ -n "$diag" ] && echo "# $name: $diag"
	if "$@"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		failed=$((failed + 1))
	fi
}
field() { dpkg-deb -f "$1" "$2" 2>/dev/null || true; }

image=$dir/linux-image-${release}_${version}_ppc64el.deb
headers=$dir/linux-headers-${release}_${version}_ppc64el.deb
libc=$dir/linux-libc-dev_${version}_ppc64el.deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
echo "1..11"
for deb in "$image" "$headers" "$libc"; do
	check "package_${deb##*/}" "$(field "$deb" Package) $(field "$deb" Version) $(field "$deb" Architecture)" \
		test "$(field "$deb" Version) $(field "$deb" Architecture)" = "$version ppc64el"
done
[ -f "$image" ] && dpkg-deb -x "$image" "$tmp"
mods=$tmp/lib/modules/$release/kernel
check image_has_kernel_config_and_map "" \
	test -f "$tmp/boot/vmlinux-$release" -a -f "$tmp/boot/config-$release" \
	-a -f "$tmp/boot/System.map-$release"
want="CONFIG_VFIO=m CONFIG_VFIO_IOMMU_SPAPR_TCE=m CONFIG_VFIO_PCI=m CONFIG_KVM_BOOK3S_64=m CONFIG_KVM_BOOK3S_64_HV=m CONFIG_SPAPR_TCE_IOMMU=y"
check config_as_debian "$want" sh -c 'for v in $2; do grep -qxF "$v" "$1" || exit 1; done' _ \
	"$tmp/boot/config-$release" "$want"
missing=
for m in arch/powerpc/kvm/kvm.ko arch/powerpc/kvm/kvm-hv.ko drivers/vfio/vfio.ko \
	drivers/vfio/vfio_iommu_spapr_tce.ko drivers/vfio/pci/vfio-pci.ko \
	drivers/vfio/pci/vfio-pci-core.ko; do
	[ -f "$mods/$m" ] || missing+=" $m"
done
check passthrough_modules "$(find "$mods" -name '*.ko' 2>/dev/null | wc -l) modules;${missing:+ missing$missing}" \
	test -z "$missing"
vermagic=$(modinfo -F vermagic "$mods/arch/powerpc/kvm/kvm-hv.ko" 2>/dev/null || true)
check modules_for_this_kernel "kvm-hv.ko vermagic: $vermagic" test "${vermagic%% *}" = "$release"
check vfio_part_in_kernel "spapr_tce_iommu_probe_device in System.map" \
	grep -qw spapr_tce_iommu_probe_device "$tmp/boot/System.map-$release"
check pseries_ddw_part_in_kernel "spapr_tce_create_window in System.map" \
	grep -qw spapr_tce_create_window "$tmp/boot/System.map-$release"
check kvm_part_in_kvm_ko "statistic tce_put_virt and trace event kvm_ppc_tce_link" \
	sh -c 'grep -qa tce_put_virt "$1" && grep -qa kvm_ppc_tce_link "$1"' _ "$mods/arch/powerpc/kvm/kvm.ko"
check headers_for_modules "usr/src/linux-headers-$release: Module.symvers, .config" \
	sh -c 'dpkg-deb -c "$1" | grep -q "/usr/src/linux-headers-$2/Module.symvers\$" &&
		dpkg-deb -c "$1" | grep -q "/usr/src/linux-headers-$2/.config\$"' _ "$headers" "$release"
echo "# $n checks, $failed failed"
[ "$failed" = 0 ]

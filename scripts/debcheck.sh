#!/usr/bin/env bash
# Check the packages make deb built (scripts/deb.sh), with dpkg-deb only:
#   debcheck.sh DIR RELEASE VERSION MODULES_ORDER
# Prints KTAP: each package there with its version for ppc64el; the image
# holds the kernel, its configuration (Debian's VFIO and KVM values) and
# the modules a POWER KVM host passes devices through with, built for
# RELEASE; and each part of the series is in it (a function of the VFIO
# and of the pSeries part in System.map; the KVM part's statistics and
# trace events in kvm.ko); every module the build made (MODULES_ORDER,
# the build's modules.order) is in the image; the headers carry what
# out-of-tree modules are built against. Exit status 1 if a check fails.
# shellcheck disable=SC2016 # (whole file) sh -c scripts expand their own $1, $2
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: debcheck.sh DIR RELEASE VERSION MODULES_ORDER"
dir=${1:?$usage}
release=${2:?$usage}
version=${3:?$usage}
order=${4:?$usage}
# the test points: ktap_check NAME DIAGNOSTIC COMMAND..., as the guests'
# shell tests print them
# shellcheck source=../guest/tests/lib/ktap.sh
. "$TOP/guest/tests/lib/ktap.sh"
field() { dpkg-deb -f "$1" "$2" 2>/dev/null || true; }

image=$dir/linux-image-${release}_${version}_ppc64el.deb
headers=$dir/linux-headers-${release}_${version}_ppc64el.deb
libc=$dir/linux-libc-dev_${version}_ppc64el.deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_plan 12
for deb in "$image" "$headers" "$libc"; do
	ktap_check "package_${deb##*/}" "$(field "$deb" Package) $(field "$deb" Version) $(field "$deb" Architecture)" \
		test "$(field "$deb" Version) $(field "$deb" Architecture)" = "$version ppc64el"
done
[ ! -f "$image" ] || dpkg-deb -x "$image" "$tmp" || echo "# dpkg-deb -x $image failed"
mods=$tmp/lib/modules/$release/kernel
ktap_check image_has_kernel_config_and_map "" \
	test -f "$tmp/boot/vmlinux-$release" -a -f "$tmp/boot/config-$release" \
	-a -f "$tmp/boot/System.map-$release"
# the passthrough options as Debian's config has them
debian=$DL/debian-$DEBCONFIG_VERSION.config
want=$(grep -E '^CONFIG_(VFIO|VFIO_IOMMU_SPAPR_TCE|VFIO_PCI|VFIO_PCI_CORE|KVM_BOOK3S_64|KVM_BOOK3S_64_HV|SPAPR_TCE_IOMMU|IOMMU_API|PPC_PSERIES|PPC_POWERNV)=' "$debian" || true)
ktap_check passthrough_config_as_debian "$(tr "\n" " " <<<"$want")" sh -c '[ $(echo "$2" | wc -l) = 10 ] &&
	for v in $2; do grep -qxF "$v" "$1" || exit 1; done' _ "$tmp/boot/config-$release" "$want"
missing=
for m in arch/powerpc/kvm/kvm.ko arch/powerpc/kvm/kvm-hv.ko drivers/vfio/vfio.ko \
	drivers/vfio/vfio_iommu_spapr_tce.ko drivers/vfio/pci/vfio-pci.ko \
	drivers/vfio/pci/vfio-pci-core.ko; do
	[ -f "$mods/$m" ] || missing+=" $m"
done
ktap_check passthrough_modules "$(find "$mods" -name '*.ko' 2>/dev/null | wc -l) modules;${missing:+ missing$missing}" \
	test -z "$missing"
built=$(grep -c . "$order" 2>/dev/null || true)
packaged=$(find "$mods" -name '*.ko' 2>/dev/null | wc -l)
ktap_check all_modules_packaged "$packaged in the image, ${built:-no} in $order" \
	test "$packaged" = "${built:-none}" -a "$packaged" -gt 0
vermagic=$(modinfo -F vermagic "$mods/arch/powerpc/kvm/kvm-hv.ko" 2>/dev/null || true)
ktap_check modules_for_this_kernel "kvm-hv.ko vermagic: $vermagic" test "${vermagic%% *}" = "$release"
ktap_check vfio_part_in_kernel "spapr_tce_iommu_probe_device in System.map, the pinned-pages report in vfio_iommu_spapr_tce.ko" \
	sh -c 'grep -qw spapr_tce_iommu_probe_device "$1" && grep -qa "their pages stay pinned" "$2"' _ \
	"$tmp/boot/System.map-$release" "$mods/drivers/vfio/vfio_iommu_spapr_tce.ko"
ktap_check pseries_ddw_part_in_kernel "spapr_tce_create_window in System.map" \
	grep -qw spapr_tce_create_window "$tmp/boot/System.map-$release"
ktap_check kvm_part_in_kvm_ko "statistic tce_put_virt and trace event kvm_ppc_tce_link" \
	sh -c 'grep -qa tce_put_virt "$1" && grep -qa kvm_ppc_tce_link "$1"' _ "$mods/arch/powerpc/kvm/kvm.ko"
# (6.1's bindeb-pkg puts the tools it built for this machine into them:
# said, not checked; README)
mkdir -p "$tmp/h"
[ ! -f "$headers" ] || dpkg-deb -x "$headers" "$tmp/h" || echo "# dpkg-deb -x $headers failed"
hdr=$tmp/h/usr/src/linux-headers-$release
ktap_check headers_for_modules "Module.symvers, .config; its scripts/mod/modpost: $(file -b "$hdr/scripts/mod/modpost" 2>&1 | cut -d, -f1-2)" \
	test -s "$hdr/Module.symvers" -a -s "$hdr/.config" -a -L "$tmp/h/lib/modules/$release/build"
echo "# $ktap_n checks, $ktap_failed failed"
ktap_exit

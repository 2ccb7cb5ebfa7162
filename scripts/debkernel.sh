#!/usr/bin/env bash
# Build the Debian kernel of variants/NAME.config (it says "# base:
# debian"): Debian's configuration (scripts/debconfig.sh) with the series,
# in the object directory and with the local version of make deb
# (scripts/deb.sh), whose packages then hold the same kernel from the
# same objects (its version string counts the build apart):
#   vmlinux;
#   every object of the directories the series changes C files in;
#   the modules the fragment's "# modules:" lines name, linked and checked
#   by modpost against vmlinux and against each other.
# The objects of the C and assembly files the series changes (committed
# or not) compile again each time (ccache answers), so that the build's
# log, build/variants/NAME/build.log, always has their warnings: the
# matrix entry of this kernel judges them. (A changed header's warnings
# in other files show only when those compile.) Leaves
# build/variants/NAME/vmlinux and modules.cpio (those modules, signed, as
# /lib/modules/RELEASE: an initramfs part that scenario.sh adds to the
# scenario's image), each replaced whole. scripts/variant.sh NAME runs it.
#   debkernel.sh NAME
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: debkernel.sh NAME}
need_debconfig
frag=$TOP/variants/$name.config
grep -qx '# base: debian' "$frag" || die "$frag does not say '# base: debian'"
"$TOP/scripts/tree.sh"
out=$BUILD/variants/$name
obj=$DEBIAN_OBJ
mkdir -p "$out"
debian_lock
# (the make of single modules leaves a modules.order of them when it
# fails; make deb would install only those)
trap 'rm -f "$obj/modules.order"' EXIT
stamp=$({ grep -E '^(BASE|DEBCONFIG)_' "$BASE_CONF"
	cat "$frag" "$TOP/scripts/debconfig.sh"
	git -C "$TREE" rev-parse 'HEAD^{tree}'; } | sha256sum | cut -d' ' -f1)
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.stamp" 2>/dev/null)" != "$stamp" ]; then
	say "configuring the $name kernel from Debian's $DEBCONFIG_PKG $DEBCONFIG_VERSION and ${frag##*/}"
	"$TOP/scripts/debconfig.sh" "$obj" "$frag"
	echo "$stamp" >"$obj/.stamp"
fi
read -r -a mods <<<"$(sed -n 's/^# modules: //p' "$frag" | tr '\n' ' ')"
[ ${#mods[@]} -gt 0 ] || die "$frag names no module ('# modules:' lines)"
read -r -a dirs <<<"$(series_c_dirs | tr '\n' ' ')"
git -C "$TREE" diff --name-only base -- '*.c' '*.S' | sed -n 's|\.[cS]$|.o|p' |
	(cd "$obj" && xargs rm -f)

dmake() {
	make -C "$TREE" O="$obj" -j"$JOBS" CC="ccache ${CROSS_COMPILE}gcc" \
		LOCALVERSION="$DEBIAN_LOCALVERSION" "$@"
}
log=$obj/build.log
say "building the $name kernel: vmlinux, ${dirs[*]} and ${#mods[@]} modules (log: $log)"
# Three makes: modpost of single .ko targets needs vmlinux.o, and the
# modules of one make are checked against each other
status=0
{ dmake vmlinux && dmake "${dirs[@]}" && dmake "${mods[@]}"; } >"$log" 2>&1 || status=$?
cp "$log" "$out/build.log"
if [ $status != 0 ]; then
	grep -E 'error|ERROR' "$log" | head -30 >&2
	die "the $name kernel does not build; see $log"
fi
grep -E '(^|[^-])warning:' "$log" >&2 || true

# modules_install installs what modules.order names (the make of single
# modules removed the one it wrote)
release=$(dmake -s kernelrelease)
printf '%s\n' "${mods[@]}" >"$obj/modules.order"
rm -rf "$out/root"
dmake INSTALL_MOD_PATH="$out/root" INSTALL_MOD_STRIP=1 modules_install \
	>"$obj/modules_install.log" 2>&1 || die "modules_install failed; see $obj/modules_install.log"
rm -f "$obj/modules.order"
for m in "${mods[@]}"; do
	[ -f "$out/root/lib/modules/$release/kernel/$m" ] || die "modules_install left out $m"
done
(cd "$out/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out/modules.cpio.tmp"
mv "$out/modules.cpio.tmp" "$out/modules.cpio"
cp "$obj/vmlinux" "$out/vmlinux.tmp"
mv "$out/vmlinux.tmp" "$out/vmlinux"
say "the $name kernel $release: $out/vmlinux, ${#mods[@]} modules in $out/modules.cpio"

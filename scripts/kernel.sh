#!/usr/bin/env bash
# Configure (from configs/*.config, on top of allnoconfig) and build the
# kernel of $TREE into $OBJ. Incremental: the config is regenerated only
# when a fragment changed.
#   kernel.sh [make targets...]     default: vmlinux
# With KVARIANT=NAME (scripts/variant.sh for a variants/NAME.config), the
# fragment variants/NAME.config is merged last, the kernel is built in
# build/variants/NAME/obj and copied to build/variants/NAME/vmlinux. A
# variant whose fragment says "# base: debian" starts from Debian's
# configuration instead (scripts/debconfig.sh), is built with its modules,
# and leaves them in build/variants/NAME/modules.cpio, an initramfs part
# that scenario.sh adds to the scenario's image.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/tree.sh"
frags=("$TOP"/configs/[0-9]*.config)
debian=
if [ -n "${KVARIANT:-}" ]; then
	OBJ=$BUILD/variants/$KVARIANT/obj
	frags+=("$TOP/variants/$KVARIANT.config")
	grep -qx '# base: debian' "$TOP/variants/$KVARIANT.config" &&
		debian=$TOP/variants/$KVARIANT.config
fi
mkdir -p "$OBJ"
if [ -n "$debian" ]; then
	# Debian's config, the fragment, and the files the series changes
	# (debconfig.sh checks the reduction against them)
	stamp=$({ grep ^DEBCONFIG_ "$TOP/base.conf"; cat "$debian"
		git -C "$TREE" diff --name-only base HEAD; } | sha256sum | cut -d' ' -f1)
else
	stamp=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
fi
if [ ! -f "$OBJ/.config" ] || [ "$(cat "$OBJ/.fragments" 2>/dev/null)" != "$stamp" ]; then
	if [ -n "$debian" ]; then
		say "configuring kernel from Debian's $DEBCONFIG_PKG $DEBCONFIG_VERSION and ${debian##*/}"
		"$TOP/scripts/debconfig.sh" "$OBJ" "$debian"
	else
		say "configuring kernel from ${frags[*]##*/}"
		log=$OBJ/merge_config.log
		(cd "$TREE" && scripts/kconfig/merge_config.sh -n -O "$OBJ" "${frags[@]}") >"$log" 2>&1 ||
			{ cat "$log" >&2; die "merge_config.sh failed"; }
		if grep -q '^Value requested for' "$log"; then
			grep -A2 '^Value requested for' "$log" >&2
			die "config fragments ask for values Kconfig did not take (see above)"
		fi
	fi
	echo "$stamp" >"$OBJ/.fragments"
fi
[ -z "$debian" ] || [ $# -gt 0 ] || set -- vmlinux modules
[ $# -gt 0 ] || set -- vmlinux
log=$OBJ/build.log
say "building $* (log: $log)"
[ ! -f "$log" ] || mv "$log" "$log.last"
if ! kmake "$@" >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -30 >&2
	die "kernel build failed; see $log"
fi
# A build that compiled nothing keeps the log of the last one that did:
# the warnings there are those of the objects it left (the matrix reads
# the Debian kernel's)
if [ -f "$log.last" ] && ! grep -qE '^  (CC|AS)( \[M\])? ' "$log"; then
	mv "$log.last" "$log"
fi
grep -E '(^|[^-])warning:' "$log" >&2 || true
if [ -n "${KVARIANT:-}" ]; then
	cp "$OBJ/vmlinux" "$BUILD/variants/$KVARIANT/vmlinux"
fi
if [ -n "$debian" ]; then
	# the modules, as /lib/modules/RELEASE of an initramfs part
	root=$BUILD/variants/$KVARIANT/root
	rm -rf "$root"
	kmake INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install >"$OBJ/modules_install.log" 2>&1 ||
		die "modules_install failed; see $OBJ/modules_install.log"
	built=$(find "$root/lib/modules" -name '*.ko' -printf '%f\n' | tr - _)
	read -r -a mods <<<"$(sed -n 's/^# modules: //p' "$debian" | tr '\n' ' ')"
	for m in "${mods[@]}"; do
		grep -qxF "$m.ko" <<<"$built" ||
			die "${debian##*/} names the module $m, which the build did not make"
	done
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
		>"$BUILD/variants/$KVARIANT/modules.cpio"
fi

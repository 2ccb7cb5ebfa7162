#!/usr/bin/env bash
# Configure (from configs/*.config, on top of allnoconfig) and build the
# kernel of $TREE into $OBJ. Incremental: the config is regenerated only
# when a fragment changed.
#   kernel.sh [make targets...]     default: vmlinux
# With KVARIANT=NAME (scripts/variant.sh for a variants/NAME.config), the
# fragment variants/NAME.config is merged last, the kernel is built in
# build/variants/NAME/obj and copied to build/variants/NAME/vmlinux.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/tree.sh"
frags=("$TOP"/configs/[0-9]*.config)
if [ -n "${KVARIANT:-}" ]; then
	OBJ=$BUILD/variants/$KVARIANT/obj
	frags+=("$TOP/variants/$KVARIANT.config")
fi
mkdir -p "$OBJ"
stamp=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$OBJ/.config" ] || [ "$(cat "$OBJ/.fragments" 2>/dev/null)" != "$stamp" ]; then
	say "configuring kernel from ${frags[*]##*/}"
	log=$OBJ/merge_config.log
	(cd "$TREE" && scripts/kconfig/merge_config.sh -n -O "$OBJ" "${frags[@]}") >"$log" 2>&1 ||
		{ cat "$log" >&2; die "merge_config.sh failed"; }
	if grep -q '^Value requested for' "$log"; then
		grep -A2 '^Value requested for' "$log" >&2
		die "config fragments ask for values Kconfig did not take (see above)"
	fi
	echo "$stamp" >"$OBJ/.fragments"
fi
[ $# -gt 0 ] || set -- vmlinux
say "building $* (log: $OBJ/build.log)"
if ! kmake "$@" >"$OBJ/build.log" 2>&1; then
	grep -E 'error|Error' "$OBJ/build.log" | head -30 >&2
	die "kernel build failed; see $OBJ/build.log"
fi
grep -E '(^|[^-])warning:' "$OBJ/build.log" >&2 || true
if [ -n "${KVARIANT:-}" ]; then
	cp "$OBJ/vmlinux" "$BUILD/variants/$KVARIANT/vmlinux"
fi

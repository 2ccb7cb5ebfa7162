#!/usr/bin/env bash
# Build an experiment kernel: the series (the commit build/linux is at)
# with variants/NAME.patch on top, for the scenarios that say KERNEL=NAME.
# The 6.1 series' variants are variants/NAME.patch, another base's
# variants/BASE/NAME.patch (each written for its base's code); a
# configuration, variants/NAME.config, is every base's. The
# variant "unpatched" is the base without the series, in the series'
# configuration (the benchmarks' reference).
# It is built in the per-patch worktree (bisect/linux, bisect/obj), where
# only what the patch touches is compiled again, and the worktree is left
# clean; the kernel goes to build/variants/NAME/vmlinux (another base's:
# build/BASE/variants/NAME/vmlinux).
# A variant may instead be a configuration, variants/NAME.config, merged
# after configs/*.config (the debug kernel): kernel.sh builds it in its
# own object directory, build/variants/NAME/obj; or, when it says
# "# base: debian", merged over Debian's configuration (the Debian
# kernel, scripts/debkernel.sh).
#   variant.sh NAME        after kernel.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
name=${1:?usage: variant.sh NAME}
# (a configuration is any base's: variants/NAME.config)
if [ -f "$TOP/variants/$name.config" ]; then
	# Debian's configuration instead of configs/*.config
	if grep -qx '# base: debian' "$TOP/variants/$name.config"; then
		exec "$TOP/scripts/debkernel.sh" "$name"
	fi
	KVARIANT=$name exec "$TOP/scripts/kernel.sh"
fi
patch=$VARIANTS/$name.patch
[ "$name" = unpatched ] || [ -f "$patch" ] ||
	die "no variant $name for $BASE (${patch#"$TOP"/})"
[ -f "$OBJ/.config" ] || die "no $OBJ/.config: run scripts/kernel.sh first"
wt=$BISECT_TREE
if [ ! -e "$wt/.git" ]; then
	git -C "$TREE" worktree prune
	mkdir -p "$BUILD/bisect"
	git -C "$TREE" worktree add -q --detach "$wt" base
fi
mkdir -p "$BISECT_OBJ" "$BUILD/variants/$name"
if [ "$name" = unpatched ]; then
	git -C "$wt" checkout -q -f --detach base
else
	git -C "$wt" checkout -q -f --detach "$(git -C "$TREE" rev-parse HEAD)"
	git -C "$wt" apply "$patch" || die "${patch#"$TOP"/} does not apply"
fi
log=$BUILD/variants/$name/build.log
cp "$OBJ/.config" "$BISECT_OBJ/.config"
say "building the $name kernel (log: $log)"
status=0
bmake olddefconfig vmlinux >"$log" 2>&1 || status=$?
git -C "$wt" checkout -q -f HEAD
[ "$status" = 0 ] || { tail -20 "$log" >&2; die "the $name kernel does not build"; }
cp "$BISECT_OBJ/vmlinux" "$BUILD/variants/$name/vmlinux"

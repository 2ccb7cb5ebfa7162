#!/usr/bin/env bash
# Every patch of the series builds: walk the commits of patches/$BASE/ as
# committed (the am-check tree that lint.sh applies), last first, and at
# each one build the kernel when the patch touches it and the sPAPR TCE
# selftests when it touches them. A build that fails or prints a warning
# fails.
#
# The builds are incremental, in their own worktree and object directory
# laid out like the main ones (bisect/linux, bisect/obj), so that ccache
# (with CCACHE_BASEDIR) serves what the main build compiled already.
# Then each fix of the base (the series' first part, fixes.py) is built on
# the base with only the earlier fixes it needs, as a stable maintainer
# would take it.
# It prints a KTAP document, one test point per patch and one per fix, on
# standard output.
#   bisect.sh          after lint.sh and kernel.sh (it reuses their work)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

am=$AMCHECK
wt=$BISECT_TREE
obj=$BISECT_OBJ
[ -d "$am" ] || die "no $am: run scripts/lint.sh first"
[ -f "$OBJ/.config" ] || die "no $OBJ/.config: run scripts/kernel.sh first"

# an earlier layout had the worktree at bisect/ itself
[ -e "$BUILD/bisect/.git" ] && git -C "$TREE" worktree remove --force "$BUILD/bisect"
if [ ! -e "$wt/.git" ]; then
	git -C "$TREE" worktree prune
	mkdir -p "$BUILD/bisect"
	git -C "$TREE" worktree add -q --detach "$wt" base
fi
mkdir -p "$obj"

# Last patch first: the main build compiled that state, so ccache has all
# of it, and each step back compiles only what the step changes. Forward,
# the first patch's state would differ from every state ccache knows in
# every header the series changes.
commits=$(git -C "$am" rev-list base..HEAD)
total=$(wc -w <<<"$commits")
# the fixes and the earlier fixes each needs (see above)
fixes=$(python3 "$TOP/scripts/fixes.py" needs "$SERIES_DIR/series" "$am")
nfix=$(grep -c . <<<"$fixes" || true)
echo "TAP version 13"
echo "1..$((total + nfix))"
fail=0
git -C "$wt" reset -q --hard

# build_here LOG FILES: build the worktree as it is, what FILES (the files
# the state changes) need; sets what (what it built) and, when it fails,
# why; a build's warnings go to standard error too
build_here() {
	local log=$1 files=$2
	: >"$log"
	what=()
	if grep -qvE '^(tools/|Documentation/|MAINTAINERS$)' <<<"$files"; then
		what+=(kernel)
		cp "$OBJ/.config" "$obj/.config"
		bmake olddefconfig vmlinux >>"$log" 2>&1 || {
			why="kernel build failed"
			return 1
		}
	fi
	if grep -q '^tools/testing/selftests/powerpc/' <<<"$files"; then
		what+=(selftests)
		{
			bmake headers &&
				make -C "$wt/tools/testing/selftests" O="$obj" \
					TARGETS=powerpc/spapr_tce LDFLAGS=-static \
					CC="${CROSS_COMPILE}gcc"
		} >>"$log" 2>&1 || {
			why="selftests build failed"
			return 1
		}
	fi
	if grep -E '(^|[^-])warning:' "$log" >&2; then
		why="build warnings"
		return 1
	fi
}

n=$((total + 1))
k=0
for c in $commits; do
	n=$((n - 1))
	k=$((k + 1))
	subj=$(git -C "$am" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	log=$obj/patch-$n.log
	if ! build_here "$log" "$(git -C "$am" diff --name-only "$c^" "$c")"; then
		say "patch $n: $why: $subj (log: $log)"
		echo "not ok $k patch $n: $subj # $why"
		fail=1
		continue
	fi
	say "patch $n: ${what[*]:-nothing to build} ok: $subj"
	echo "ok $k patch $n: $subj"
done

while read -r n need shas; do
	[ -n "$n" ] || continue
	k=$((k + 1))
	git -C "$wt" checkout -q --detach base
	files=
	for c in $shas; do
		git -C "$am" diff --binary "$c^" "$c" | git -C "$wt" apply --index
		files+=$(git -C "$am" diff --name-only "$c^" "$c")$'\n'
	done
	name="fix $n on the base alone"
	[ "$need" = - ] || name="fix $n on the base with the fixes it needs ($need)"
	log=$obj/fix-$n.log
	if ! build_here "$log" "$files"; then
		say "$name: $why (log: $log)"
		echo "not ok $k $name # $why"
		fail=1
	else
		say "$name: ${what[*]} ok"
		echo "ok $k $name"
	fi
	git -C "$wt" reset -q --hard
done <<<"$fixes"
[ $fail = 0 ] || die "a patch of the series does not build cleanly (above)"
say "bisect: all $total patches build, and each of the $nfix fixes on the base with only the fixes it needs"

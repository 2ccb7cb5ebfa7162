#!/usr/bin/env bash
# sparse (C=2) and W=1 add no warning: the kernel objects of the C files
# the series changes are checked at the base and after the whole series,
# in the bisect worktree, and every warning of the series that the base
# does not have (compared without line numbers) is an error.
#   sparse.sh          after bisect.sh (it reuses its tree and objects)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

am=$AMCHECK
wt=$BISECT_TREE
obj=$BISECT_OBJ
[ -e "$wt/.git" ] || die "no $wt: run scripts/bisect.sh first"
command -v sparse >/dev/null || die "sparse is not installed (make deps)"

head=$(git -C "$am" rev-parse HEAD)
mapfile -t objs < <(git -C "$am" diff --name-only base "$head" -- '*.c' |
	grep -v '^tools/' | sed 's/\.c$/.o/')
[ ${#objs[@]} -gt 0 ] || { say "sparse: the series changes no kernel C file"; exit 0; }

# Warnings of @objs at commit $1, one per line, as "file: message"
warnings() {
	git -C "$wt" checkout -q --detach "$1"
	cp "$OBJ/.config" "$obj/.config"
	bmake olddefconfig >/dev/null 2>&1
	# the objects whose source exists at this commit (the series may add some)
	local o have=()
	for o in "${objs[@]}"; do
		[ -f "$wt/${o%.o}.c" ] && have+=("$o")
	done
	[ ${#have[@]} -gt 0 ] || return 0
	# make rebuilds an object only when it changed: force these
	rm -f "${have[@]/#/$obj/}"
	bmake C=2 W=1 "${have[@]}" 2>&1 |
		grep -E '(warning|error):' |
		sed -E "s#^$wt/##; s#^\.\./linux/##; s#^([^:]+):[0-9]+:[0-9]+:#\\1:#; s#^([^:]+):[0-9]+:#\\1:#" |
		sort -u || true
}

warnings base >"$obj/sparse-base.txt"
warnings "$head" >"$obj/sparse-series.txt"
new=$(comm -13 "$obj/sparse-base.txt" "$obj/sparse-series.txt")
if [ -n "$new" ]; then
	say "sparse/W=1 warnings the series adds:"
	printf '%s\n' "$new" | sed 's/^/  /' >&2
	die "the series adds sparse or W=1 warnings (above)"
fi
say "sparse: C=2 W=1 on ${#objs[@]} objects: $(wc -l <"$obj/sparse-series.txt") warnings, all in the base too"

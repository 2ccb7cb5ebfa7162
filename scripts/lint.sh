#!/usr/bin/env bash
# Patch hygiene: every patch of the series passes checkpatch.pl --strict
# with no error, warning or check, and the series applies with git am
# (tree.sh does that, without fuzz: git am never applies with fuzz).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/tree.sh"
fail=0
n=0
for p in $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series"); do
	n=$((n + 1))
	out=$("$TREE/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types "$TOP/patches/$p" 2>&1) || true
	if [ -n "$out" ]; then
		say "checkpatch --strict: $p"
		printf '%s\n' "$out" | sed 's/^/  /' >&2
		fail=1
	fi
done
[ $fail = 0 ] || die "checkpatch found problems (above)"
say "lint: $n patches apply with git am and pass checkpatch --strict"

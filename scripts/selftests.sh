#!/usr/bin/env bash
# Build the series' kselftests with the in-tree kselftest flow, statically
# linked for the guests, and install them into $BUILD/kselftest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

targets=${SELFTEST_TARGETS:-powerpc/spapr_tce}
"$TOP/scripts/kernel.sh" headers
rm -rf "$BUILD/kselftest"
# Only targets the series has: the first patches may not have added them yet.
have=()
for t in $targets; do
	[ -d "$TREE/tools/testing/selftests/$t" ] && have+=("$t")
done
if [ ${#have[@]} = 0 ]; then
	say "no selftest targets in the tree yet ($targets)"
	exit 0
fi
log=$OBJ/selftests.log
if ! LDFLAGS=-static make -C "$TREE/tools/testing/selftests" O="$OBJ" \
	CC="${CROSS_COMPILE}gcc" TARGETS="${have[*]}" \
	INSTALL_PATH="$BUILD/kselftest" install >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | head -30 >&2
	die "selftests build failed; see $log"
fi
if grep -E '(^|[^-])warning:' "$log" >&2; then
	die "selftests build has warnings; see $log"
fi

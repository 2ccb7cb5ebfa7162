# shellcheck shell=sh
# Minimal KTAP output for the shell tests; sourced.
ktap_n=0
ktap_failed=0
ktap_plan() { echo "TAP version 13"; echo "1..$1"; }
# ktap_check NAME DIAGNOSTIC COMMAND...: one test point, passed when
# COMMAND succeeds; DIAGNOSTIC (may be empty) is printed before it.
ktap_check() {
	name=$1 diag=$2
	shift 2
	ktap_n=$((ktap_n + 1))
	[ -n "$diag" ] && echo "# $name: $diag"
	if "$@"; then
		echo "ok $ktap_n $name"
	else
		echo "not ok $ktap_n $name"
		ktap_failed=$((ktap_failed + 1))
	fi
}
ktap_skip() { ktap_n=$((ktap_n + 1)); echo "ok $ktap_n $1 # SKIP $2"; }
ktap_fail() { ktap_check "$1" "$2" false; }
ktap_exit() { [ "$ktap_failed" = 0 ] && exit 0; exit 1; }

# shellcheck shell=sh
# Minimal KTAP output for the shell tests; sourced.
ktap_n=0
ktap_failed=0
ktap_plan() { echo "TAP version 13"; echo "1..$1"; }
# ktap_result CONDITION NAME [DIAGNOSTIC]: one test point
ktap_result() {
	ktap_n=$((ktap_n + 1))
	[ -n "${3:-}" ] && echo "# $2: $3"
	if eval "$1"; then
		echo "ok $ktap_n $2"
	else
		echo "not ok $ktap_n $2"
		ktap_failed=$((ktap_failed + 1))
	fi
}
ktap_skip() { ktap_n=$((ktap_n + 1)); echo "ok $ktap_n $1 # SKIP $2"; }
ktap_fail() { ktap_n=$((ktap_n + 1)); echo "# $2"; echo "not ok $ktap_n $1"; ktap_failed=$((ktap_failed + 1)); }
ktap_exit() { [ "$ktap_failed" = 0 ] && exit 0; exit 1; }

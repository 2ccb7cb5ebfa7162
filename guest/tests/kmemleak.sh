#!/bin/sh
# Nothing the tests before this one did leaked: kmemleak (the debug
# kernel) finds no unreferenced object. /init scanned once before the
# first test and cleared what it found then (the boot's), so what is
# reported now was allocated while the tests ran. kmemleak reports an
# object only when it is older than 5 s and two scans agree: scan, wait,
# scan again.
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
km=/sys/kernel/debug/kmemleak
ktap_plan 1
if [ ! -e "$km" ]; then
	ktap_skip no_leak "no $km (a kernel without CONFIG_DEBUG_KMEMLEAK)"
	ktap_exit
fi
echo scan >"$km"
sleep 6
echo scan >"$km"
leaks=$(grep -c '^unreferenced object' "$km")
# the reports, with their allocation backtraces, for the log
sed 's/^/# /' "$km" | head -200
ktap_check no_leak "$leaks unreferenced objects" [ "$leaks" = 0 ]
ktap_exit

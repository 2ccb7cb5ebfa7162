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
# kmemleak refuses a scan (EPERM) once it has turned itself off (its
# object pool ran out, say): then it finds nothing, and that is no pass
scans=0
echo scan >"$km" && scans=$((scans + 1))
sleep 6
echo scan >"$km" && scans=$((scans + 1))
leaks=$(grep -c '^unreferenced object' "$km")
# the reports, with their allocation backtraces, for the log
sed 's/^/# /' "$km" | head -200
off=$(dmesg | grep -c 'kmemleak: Kernel memory leak detector disabled')
# shellcheck disable=SC2317 # called by ktap_check
clean() { [ "$leaks" = 0 ] && [ "$scans" = 2 ] && [ "$off" = 0 ]; }
ktap_check no_leak "$leaks unreferenced objects; $scans of 2 scans ran; kmemleak turned off $off times" clean
ktap_exit

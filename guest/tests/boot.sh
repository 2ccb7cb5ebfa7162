#!/bin/sh
# The kernel reached userspace on the machine the scenario asked for.
# t_platform: PowerNV or pSeries (the "platform" line of /proc/cpuinfo)
# t_cpu: POWER8, POWER9, ... (the start of the "cpu" line)
# t_dmesg: if set, a text the kernel log must have ('_' for spaces)
# t_dt_prop: if set, a device tree property some node must have (within
# 10 s: drivers add DMA window properties as they probe)
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
plan=2
[ -n "${t_dmesg:-}" ] && plan=$((plan + 1))
[ -n "${t_dt_prop:-}" ] && plan=$((plan + 1))
ktap_plan "$plan"
platform=$(sed -n 's/^platform[[:space:]]*: //p' /proc/cpuinfo)
cpu=$(sed -n 's/^cpu[[:space:]]*: \([A-Z0-9]*\).*/\1/p' /proc/cpuinfo | head -1)
ktap_check "platform_is_${t_platform:-unset}" "platform '$platform'" \
	[ "$platform" = "${t_platform:-}" ]
ktap_check "cpu_is_${t_cpu:-unset}" "cpu '$cpu'" [ "$cpu" = "${t_cpu:-}" ]
if [ -n "${t_dmesg:-}" ]; then
	text=$(echo "$t_dmesg" | tr _ ' ')
	# shellcheck disable=SC2016 # $1 is the inner shell's
	ktap_check "kernel_log_says_$t_dmesg" "'$text' $(dmesg | grep -c "$text") times" \
		sh -c 'dmesg | grep -q "$1"' _ "$text"
fi
if [ -n "${t_dt_prop:-}" ]; then
	n=0
	while node=$(find /proc/device-tree/ -name "$t_dt_prop" | head -1) &&
		[ -z "$node" ] && [ $n -lt 10 ]; do
		sleep 1
		n=$((n + 1))
	done
	ktap_check "device_tree_has_$t_dt_prop" "${node:-none after ${n}s}" test -n "$node"
fi
ktap_exit

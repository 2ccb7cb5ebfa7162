#!/bin/sh
# The kernel reached userspace on the machine the scenario asked for.
# t_platform: PowerNV or pSeries (the "platform" line of /proc/cpuinfo)
# t_cpu: POWER8, POWER9, ... (the start of the "cpu" line)
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
ktap_plan 2
platform=$(sed -n 's/^platform[[:space:]]*: //p' /proc/cpuinfo)
cpu=$(sed -n 's/^cpu[[:space:]]*: \([A-Z0-9]*\).*/\1/p' /proc/cpuinfo | head -1)
ktap_check "platform_is_${t_platform:-unset}" "platform '$platform'" \
	[ "$platform" = "${t_platform:-}" ]
ktap_check "cpu_is_${t_cpu:-unset}" "cpu '$cpu'" [ "$cpu" = "${t_cpu:-}" ]
ktap_exit

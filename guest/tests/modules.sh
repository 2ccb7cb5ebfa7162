#!/bin/sh
# A modular kernel (the Debian kernel): the modules the scenario names
# load from the initramfs with modprobe, dependencies included, and leave
# the kernel untainted (signed with the key of their build, which the
# kernel carries). Nothing loads them otherwise: no udev here.
# t_modules: comma-separated module names, as lsmod shows them
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
mods=$(echo "${t_modules:-}" | tr ',' ' ')
n=0
for m in $mods; do n=$((n + 1)); done
ktap_plan $((n + 2))
release=$(uname -r)
ktap_check modules_of_running_kernel "uname -r: $release; have: $(echo /lib/modules/*)" \
	test -f "/lib/modules/$release/modules.dep"
for m in $mods; do
	out=$(modprobe "$m" 2>&1)
	ktap_check "modprobe_$m" "$out" test -d "/sys/module/$m"
done
tainted=$(cat /proc/sys/kernel/tainted)
ktap_check not_tainted "tainted=$tainted$(dmesg | grep -m1 -i 'module verification failed' | sed 's/^/: /')" \
	[ "$tainted" = 0 ]
ktap_exit

#!/bin/sh
# A modular kernel (the Debian kernel): it is the kernel the scenario asks
# for, the modules the scenario names load from the initramfs with
# modprobe, dependencies included, each as a module (not built in), and
# the kernel stays untainted (they are signed with the key of their
# build, which the kernel carries). Nothing loads them otherwise: no udev.
# t_modules: comma-separated module names, as lsmod shows them
# t_localversion: the end of the kernel release (uname -r) expected
# shellcheck source=lib/ktap.sh
. /tests/lib/ktap.sh
mods=$(echo "${t_modules:-}" | tr ',' ' ')
n=0
for m in $mods; do n=$((n + 1)); done
ktap_plan $((n + 2))
release=$(uname -r)
ours=false
case $release in
*"${t_localversion:-unset}") [ -f "/lib/modules/$release/modules.dep" ] && ours=true ;;
esac
ktap_check "kernel_release_ends_with_${t_localversion:-unset}" \
	"uname -r: $release; modules for: $(echo /lib/modules/*)" $ours
for m in $mods; do
	out=$(modprobe "$m" 2>&1)
	rc=$?
	state=$(cat "/sys/module/$m/initstate" 2>/dev/null || echo "not a loaded module")
	ktap_check "modprobe_$m" "exit $rc, $state${out:+: $out}" \
		test "$rc" = 0 -a "$state" = live
done
tainted=$(cat /proc/sys/kernel/tainted)
ktap_check not_tainted "tainted=$tainted$(dmesg | grep -m1 -i 'module verification failed' | sed 's/^/: /')" \
	[ "$tainted" = 0 ]
ktap_exit

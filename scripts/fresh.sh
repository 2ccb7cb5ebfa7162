#!/usr/bin/env bash
# The README's commands on a new machine, as anyone can rerun it: a minimal
# Debian 12 root made with debootstrap from Debian's archive, with git and
# make only, a clone of this repository's HEAD (committed work only) in a
# normal user's home, then as root 'make deps' and as that user 'make run'
# (and, with 'check', 'make check'), each timed. Not part of make check.
#   fresh.sh [run|check]...     default: run
# FRESH_ROOT (default /var/tmp/spapr-fresh/root, outside the checkout, so
# that root leaves nothing in the user's build/) is made anew each time;
# FRESH_MIRROR and FRESH_SECURITY name the archive. Root only (debootstrap,
# chroot). The times go to times.txt beside the root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "fresh.sh makes a Debian root with debootstrap and chroot: run it as root"
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(run)
for j in "${jobs[@]}"; do
	case $j in run | check) ;; *) die "usage: fresh.sh [run|check]..." ;; esac
done

root=${FRESH_ROOT:-/var/tmp/spapr-fresh/root}
case $root in
/*/*) ;;
*) die "FRESH_ROOT=$root: give a directory at least two levels below / (it is removed first)" ;;
esac
times=${root%/*}/times.txt
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
security=${FRESH_SECURITY:-http://deb.debian.org/debian-security}
command -v debootstrap >/dev/null ||
	DEBIAN_FRONTEND=noninteractive quiet apt-get install -y -qq --no-install-recommends debootstrap ||
	die "cannot install debootstrap"

mounts=(proc sys dev dev/pts)
umount_all() {
	local m
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		m=$root/${mounts[i]}
		mountpoint -q "$m" && umount -l "$m"
	done
	return 0
}
trap umount_all EXIT

umount_all
rm -rf "$root"
mkdir -p "$root" "${times%/*}"
: >"$times"
timed() { # NAME COMMAND...: run it, record its wall time
	local name=$1 t rc=0
	shift
	t=$(date +%s)
	say "fresh: $name ..."
	"$@" || rc=$?
	printf '%s\t%s s\t%s\n' "$name" "$(($(date +%s) - t))" \
		"$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)")" | tee -a "$times" >&2
	return $rc
}

timed "debootstrap bookworm (minbase, git, make)" \
	quiet debootstrap --variant=minbase --include=git,make,ca-certificates \
	bookworm "$root" "$mirror"
# Debian 12's suites (bookworm-security carries linux-source-6.1)
printf 'deb %s %s main\n' "$mirror" bookworm "$mirror" bookworm-updates \
	"$security" bookworm-security >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --make-rslave "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount --make-rslave "$root/dev/pts"
chroot "$root" useradd -m -s /bin/bash builder
# (as root, git refuses a repository another user owns unless told)
gitcfg=$(mktemp)
printf '[safe]\n\tdirectory = *\n' >"$gitcfg"
GIT_CONFIG_GLOBAL=$gitcfg git clone -q "$TOP" "$root/home/builder/spapr"
rm -f "$gitcfg"
chroot "$root" chown -R builder: /home/builder/spapr
say "fresh: $(git -C "$TOP" log -1 --format='%h %s') in $root/home/builder/spapr"

# shellcheck disable=SC2317 # called through timed
in_root() { chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# shellcheck disable=SC2317 # called through timed
as_builder() {
	chroot --userspec=builder:builder "$root" env -i HOME=/home/builder \
		PATH=/usr/bin:/bin USER=builder bash -c "cd ~/spapr && $*"
}
rc=0
timed "make deps (root)" in_root make -C /home/builder/spapr deps || rc=1
for j in "${jobs[@]}"; do
	[ $rc = 0 ] || break
	timed "make $j (user builder)" as_builder make "$j" || rc=1
done
say "fresh: times (also in $times):"
cat "$times" >&2
exit $rc

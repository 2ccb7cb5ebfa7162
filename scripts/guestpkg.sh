#!/usr/bin/env bash
# Unpack Debian ppc64el packages for the guest images into $GUESTPKG/NAME.
#   guestpkg.sh busybox    busybox-static
#   guestpkg.sh qemu       qemu-system-ppc with every library it depends on
#   guestpkg.sh kexec      kexec-tools with every library it depends on
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:?usage: guestpkg.sh busybox|qemu|kexec}
case $what in
busybox) root_pkg=busybox-static ;;
qemu) root_pkg=qemu-system-ppc ;;
kexec) root_pkg=kexec-tools ;;
*) die "unknown guest package set: $what" ;;
esac

dest=$GUESTPKG/$what
ver=$(apt-cache policy "$root_pkg:ppc64el" | sed -n 's/^ *Candidate: //p')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	die "$root_pkg:ppc64el not found: run 'make deps' (dpkg --add-architecture ppc64el)"
fi
[ "$(cat "$dest/.version" 2>/dev/null)" = "$ver" ] && exit 0

say "unpacking $root_pkg:ppc64el $ver and its dependencies"
rm -rf "$dest" "$dest.debs"
mkdir -p "$dest" "$dest.debs"
if [ "$what" != busybox ]; then
	# Depends only, ppc64el only: arch-all data (qemu-system-data) is
	# taken from the host, which has the same QEMU version.
	mapfile -t pkgs < <(apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$root_pkg:ppc64el" |
		grep -E '^[a-z0-9][^ ]*:ppc64el$' | sort -u)
else
	pkgs=("$root_pkg:ppc64el")
fi
(cd "$dest.debs" && quiet apt-get download "${pkgs[@]}") ||
	die "apt-get download of ${#pkgs[@]} ppc64el packages failed (archive mid-sync? retry)"
for d in "$dest.debs"/*.deb; do
	dpkg-deb -x "$d" "$dest"
done
rm -rf "$dest.debs"
echo "$ver" >"$dest/.version"

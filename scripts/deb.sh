#!/usr/bin/env bash
# Debian packages of the base with the series, for a POWER KVM host:
# Debian's configuration of its ppc64el kernel with all of Debian's
# modules (variants/debian.config's changes, not its reduction; see
# scripts/debconfig.sh), built by the kernel's own bindeb-pkg in
# build/deb/obj. The packages land in build/deb/:
#   linux-image-RELEASE_VERSION_ppc64el.deb    the kernel and its modules
#   linux-headers-RELEASE_VERSION_ppc64el.deb  for out-of-tree modules
#   linux-libc-dev_VERSION_ppc64el.deb         the UAPI headers
# RELEASE is the kernel's (uname -r), LOCALVERSION "-spapr-tce" after the
# base's; VERSION is the base package's, then "+spaprtce." and the date
# and commit of the last change to patches/ (a later series sorts later).
# It prints what it built, the packages' checks (scripts/debcheck.sh) and
# how long it took. Not part of make check (README: Timings).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/deb
obj=$out/obj
start=$(date +%s)
"$TOP/scripts/tree.sh"
mkdir -p "$obj"
# no "# modules:" reduction: every module Debian builds
grep -v '^# modules:' "$TOP/variants/debian.config" >"$out/debian.config"
"$TOP/scripts/debconfig.sh" "$obj" "$out/debian.config"

localversion=-spapr-tce
stamp=$(git -C "$TOP" log -1 --format='%cd.%h' --date=format:%Y%m%d -- patches)
[ -n "$stamp" ] || die "patches/ has no commit in $TOP"
git -C "$TOP" diff --quiet HEAD -- patches || stamp=$stamp.modified
version=$BASE_VERSION+spaprtce.$stamp
release=$(make -s -C "$TREE" O="$obj" LOCALVERSION="$localversion" kernelrelease)
rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
say "building linux-image-$release $version in $obj (log: $out/build.log)"
# -d: dpkg-buildpackage does not check the build dependencies against the
# ppc64el architecture; make deps installed them for this machine
if ! make -C "$TREE" O="$obj" -j"$JOBS" CC="ccache ${CROSS_COMPILE}gcc" \
	LOCALVERSION="$localversion" KDEB_PKGVERSION="$version" DPKG_FLAGS=-d \
	bindeb-pkg >"$out/build.log" 2>&1; then
	grep -E 'error|Error' "$out/build.log" | head -20 >&2
	die "bindeb-pkg failed; see $out/build.log"
fi
secs=$(($(date +%s) - start))
# the processor time of everything it ran, which other load on the
# machine does not change (the wall time it does)
cpu=$(times | tail -1 | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/)
	printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
ls -l "$out"/*.deb
"$TOP/scripts/debcheck.sh" "$out" "$release" "$version"
say "make deb: $((secs / 60)) min $((secs % 60)) s on $(nproc) cores; processor time $((cpu / 60)) min"

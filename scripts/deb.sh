#!/usr/bin/env bash
# Debian packages of the base with the series, for a POWER KVM host:
# Debian's configuration of its ppc64el kernel as the Debian kernel of
# make check has it (variants/debian.config, scripts/debconfig.sh) with
# all of Debian's modules, built by the kernel's own bindeb-pkg in that
# kernel's object directory (what scripts/debkernel.sh built is not built
# again, and the other way round). The packages land in build/deb/:
#   linux-image-RELEASE_VERSION_ppc64el.deb    the kernel and its modules
#   linux-headers-RELEASE_VERSION_ppc64el.deb  headers and Module.symvers
#   linux-libc-dev_VERSION_ppc64el.deb         the UAPI headers
# RELEASE is the kernel's (uname -r): the base's, then "-spapr-tce".
# VERSION is the base package's, then "+spaprtce.", the time and commit
# of the last change to patches/$BASE/ (a later series sorts later).
# It checks what it built (scripts/debcheck.sh) and says how long it
# took. Not part of make check (README: Timings).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/deb
obj=$DEBIAN_OBJ
start=$(date +%s)
debian_lock
# the series as patches/$BASE/ has it, nothing else
TREE_STRICT=1 "$TOP/scripts/tree.sh"
head=$(git -C "$TREE" rev-parse HEAD)
"$TOP/scripts/debconfig.sh" "$obj" "$TOP/variants/debian.config"

stamp=$(TZ=UTC git -C "$TOP" log -1 --format='%cd.%h' --date=format-local:%Y%m%d%H%M%S -- "$SERIES_DIR")
[ -n "$stamp" ] || die "patches/$BASE/ has no commit in $TOP"
[ -z "$(git -C "$TOP" status --porcelain -- "$SERIES_DIR")" ] || stamp=$stamp.modified
version=$BASE_VERSION+spaprtce.$stamp
release=$(make -s -C "$TREE" O="$obj" LOCALVERSION="$DEBIAN_LOCALVERSION" kernelrelease)
rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
# (a modules.order the Debian kernel's build of single modules left would
# make it install only those)
rm -f "$obj/modules.order"
say "building linux-image-$release $version in $obj (log: $out/build.log)"
# -d: dpkg-buildpackage does not check the build dependencies against the
# ppc64el architecture; make deps installed them for this machine
if ! make -C "$TREE" O="$obj" -j"$JOBS" CC="ccache ${CROSS_COMPILE}gcc" \
	LOCALVERSION="$DEBIAN_LOCALVERSION" KDEB_PKGVERSION="$version" \
	KDEB_CHANGELOG_DIST=bookworm DPKG_FLAGS=-d bindeb-pkg >"$out/build.log" 2>&1; then
	grep -E 'error|Error' "$out/build.log" | head -20 >&2
	die "bindeb-pkg failed; see $out/build.log"
fi
if [ "$(git -C "$TREE" rev-parse HEAD)" != "$head" ] ||
	[ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
	die "$TREE changed during the build (make tree or make check re-applied the series?): make deb again"
fi
secs=$(($(date +%s) - start))
# the processor time of all it ran (the children's line of times), which
# other load on the machine does not change as it does the wall time
times >"$out/times"
cpu=$(tail -1 "$out/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/)
	printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
ls -l "$out"/*.deb
"$TOP/scripts/debcheck.sh" "$out" "$release" "$version" "$obj/modules.order"
say "make deb: $((secs / 60)) min $((secs % 60)) s on $(nproc) cores; processor time $((cpu / 60)) min"

# shellcheck shell=bash
# Common settings for the scripts; sourced, never run.

# shellcheck disable=SC2034 # used by the scripts that source this
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux             # throw-away git tree: base + series
OBJ=$BUILD/obj                # kernel build output (O=)
IMG=$BUILD/images             # initramfs images
LOGS=$BUILD/logs              # console logs of every scenario
GUESTPKG=$BUILD/guestpkg      # unpacked ppc64el Debian packages
AMCHECK=$BUILD/am-check       # the committed series, applied by lint.sh
BISECT_TREE=$BUILD/bisect/linux # per-patch builds (bisect.sh, sparse.sh),
BISECT_OBJ=$BUILD/bisect/obj    # laid out like TREE and OBJ for ccache
export ARCH=powerpc
export CROSS_COMPILE=powerpc64le-linux-gnu-
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache-spapr}
JOBS=${JOBS:-$(nproc)}

# shellcheck source=../base.conf
. "$TOP/base.conf"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command quietly; show its output only if it fails.
quiet() {
	local log
	log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		return 1
	fi
	rm -f "$log"
}

# The patch files of patches/series, in order.
series_files() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series"
}

# make in the per-patch worktree; CCACHE_BASEDIR lets ccache serve what the
# main build compiled (the same relative paths)
bmake() {
	CCACHE_BASEDIR=$BUILD make -C "$BISECT_TREE" O="$BISECT_OBJ" -j"$JOBS" \
		CC="ccache ${CROSS_COMPILE}gcc" "$@"
}

kmake() {
	make -C "$TREE" O="$OBJ" -j"$JOBS" CC="ccache ${CROSS_COMPILE}gcc" "$@"
}

# shellcheck shell=bash
# Common settings for the scripts; sourced, never run.

# shellcheck disable=SC2034 # used by the scripts that source this
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The base a command is for: bases/$BASE.conf pins it, patches/$BASE/ holds
# its series. 6.1 builds in $BUILD (build/), as it did alone; another base
# builds in $BUILD/$BASE. Downloads ($DL) and the guests' Debian packages
# ($GUESTPKG) are the same for all.
# The bases (bases/*.conf), one a line
bases() {
	find "$TOP/bases" -name '*.conf' -printf '%f\n' | sed 's/\.conf$//' | sort
}
export BASE=${BASE:-6.1}
BASE_CONF=$TOP/bases/$BASE.conf
if ! [[ $BASE =~ ^[0-9]+\.[0-9]+$ ]] || [ ! -f "$BASE_CONF" ]; then
	printf 'error: no base "%s" (bases/%s.conf); the bases: %s\n' "$BASE" "$BASE" \
		"$(bases | tr '\n' ' ')" >&2
	exit 1
fi
SERIES_DIR=$TOP/patches/$BASE
# (a script that another started inherits BUILD_TOP, not its BUILD)
: "${BUILD_TOP:=${BUILD:-$TOP/build}}"
export BUILD_TOP
if [ "$BASE" = 6.1 ]; then
	BUILD=$BUILD_TOP
else
	BUILD=$BUILD_TOP/$BASE
fi
DL=$BUILD_TOP/dl               # downloaded .debs, verified
TREE=$BUILD/linux             # throw-away git tree: base + series
OBJ=$BUILD/obj                # kernel build output (O=)
IMG=$BUILD/images             # initramfs images
LOGS=$BUILD/logs              # console logs of every scenario
GUESTPKG=$BUILD_TOP/guestpkg  # unpacked ppc64el Debian packages
AMCHECK=$BUILD/am-check       # the committed series, applied by lint.sh
BISECT_TREE=$BUILD/bisect/linux # per-patch builds (bisect.sh, sparse.sh),
BISECT_OBJ=$BUILD/bisect/obj    # laid out like TREE and OBJ for ccache
# the experiment kernels' patches, each written for its base's code (the
# configurations, variants/*.config, are every base's)
if [ "$BASE" = 6.1 ]; then
	VARIANTS=$TOP/variants
else
	VARIANTS=$TOP/variants/$BASE
fi
export ARCH=powerpc
export CROSS_COMPILE=powerpc64le-linux-gnu-
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache-spapr}
# Every build (main, bisect, matrix, variants) keeps its source tree and its
# object directory side by side under $BUILD, so with the base directory set
# the compiler's command lines are the same in all of them and ccache serves
# one build's objects to the others.
export CCACHE_BASEDIR=$BUILD
# ... and the compiler's messages name files by their absolute paths, as
# without ccache (the checks match warnings to the series' files by path)
export CCACHE_ABSSTDERR=1
JOBS=${JOBS:-$(nproc)}
# The Debian kernel (scripts/debkernel.sh) and make deb's packages
# (scripts/deb.sh): one object directory, one local version; what one
# built the other does not build again. (Its configuration is its own:
# no other build shares its objects.)
DEBIAN_OBJ=$BUILD/deb/obj
DEBIAN_LOCALVERSION=-spapr-tce
# git am records a committer: a new user without a git identity (and a host
# name without a domain) would stop it, so give one where git has none
if ! git var GIT_COMMITTER_IDENT >/dev/null 2>&1; then
	export GIT_COMMITTER_NAME="spapr-tce harness" GIT_COMMITTER_EMAIL=harness@localhost
fi

# shellcheck source=../bases/6.1.conf
. "$BASE_CONF"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# only_61 WHAT: for what only the 6.1 series has (make check, which checks
# the others itself)
only_61() {
	[ "$BASE" = 6.1 ] ||
		die "$1 is for the 6.1 series only; make check checks the $BASE series too (lint-$BASE, bisect-$BASE, sparse-$BASE, matrix-$BASE and the scenarios whose BASES name it)"
}

# need_debconfig: for the Debian kernel, which needs DEBCONFIG_* pinned
need_debconfig() {
	[ -n "${DEBCONFIG_PKG:-}" ] ||
		die "bases/$BASE.conf pins no Debian configuration (DEBCONFIG_*): no Debian kernel for $BASE_PKG yet"
}

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

# report_scan FILE...: the lines of the files that are kernel reports
# (scripts/reports.pattern), each once
report_scan() {
	local pat rc=0
	pat=$(grep -vE '^(#|[[:space:]]*$)' "$TOP/scripts/reports.pattern") ||
		die "no report patterns in $TOP/scripts/reports.pattern"
	# grep: 1 is "no report"; 2 (a file it cannot read) is an error
	grep -hE -e "$pat" "$@" | sort -u || rc=$?
	[ "$rc" -le 1 ] || die "report_scan: grep failed ($rc) on $*"
}

# The values of fragment $1 that .config $2 does not have (an option off
# may also be absent: its menu is off). Only the configuration's own
# values count: the common fragments' values that depend on what it
# turns off go. Fails when there is none.
not_taken() {
	local line sym out=
	while read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Z0-9_]+)= ]]; then
			grep -qxF "$line" "$2" || out+="$line "
		elif [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set ]]; then
			sym=${BASH_REMATCH[1]}
			grep -q "^$sym=" "$2" && out+="$sym=n "
		fi
	done <"$1"
	[ -n "$out" ] && echo "$out"
}

# The directories of the kernel's C files the series (the commits of
# $TREE over base) changes, one a line, each with a trailing /
series_c_dirs() {
	git -C "$TREE" diff --name-only base HEAD -- '*.c' |
		grep -vE '^(tools|Documentation)/' | sed 's|/[^/]*$|/|' | sort -u
}

# debian_lock: hold the lock of $DEBIAN_OBJ until the script exits (one
# build at a time there: the Debian kernel or make deb); fails at once
# when the other holds it (make deb takes hours: make check would wait)
debian_lock() {
	mkdir -p "$DEBIAN_OBJ"
	exec 9>"$DEBIAN_OBJ/.lock"
	flock -n 9 ||
		die "another build uses $DEBIAN_OBJ (make deb, or the Debian kernel of make check): let it end first"
}

# The patch files of $SERIES_DIR/series, in order.
series_files() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES_DIR/series"
}

# make in the per-patch worktree
bmake() {
	make -C "$BISECT_TREE" O="$BISECT_OBJ" -j"$JOBS" \
		CC="ccache ${CROSS_COMPILE}gcc" "$@"
}

kmake() {
	make -C "$TREE" O="$OBJ" -j"$JOBS" CC="ccache ${CROSS_COMPILE}gcc" "$@"
}

#!/usr/bin/env bash
# Debian's configuration of its ppc64el kernel (bases/BASE.conf: DEBCONFIG_*,
# from Debian's linux-config package, its sha256 checked) as the .config
# of the series' tree:
#   debconfig.sh OBJ FRAGMENT
# writes OBJ/.config: Debian's config with FRAGMENT's values over it (what
# this project changes, each with its reason), then olddefconfig. Fails
# when Kconfig did not take a value of FRAGMENT. Leaves
# OBJ/debian-config.diff: the values that differ from Debian's, but for
# FRAGMENT's own and those the compiler's version decides: what FRAGMENT's
# values imply, and the symbols the base's Kconfig added or dropped since
# DEBCONFIG_VERSION.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

obj=${1:?usage: debconfig.sh OBJ FRAGMENT}
frag=${2:?usage: debconfig.sh OBJ FRAGMENT}
[ -f "$frag" ] || die "no $frag"
need_debconfig

# Debian's config, unpacked once from the verified package
debian_config() {
	local deb=$DL/${DEBCONFIG_PKG}_${DEBCONFIG_VERSION}_ppc64el.deb
	local cfg=$DL/debian-${DEBCONFIG_VERSION}.config sum offered
	mkdir -p "$DL"
	if [ -f "$cfg" ]; then
		echo "$cfg"
		return
	fi
	if [ ! -f "$deb" ] && ! (cd "$DL" &&
		apt-get download -qq "$DEBCONFIG_PKG:ppc64el=$DEBCONFIG_VERSION" 2>"$DL/err"); then
		cat "$DL/err" >&2
		offered=$(apt-cache madison "$DEBCONFIG_PKG:ppc64el" 2>/dev/null |
			awk -F'|' '{ gsub(/ /, "", $2); print $2 }' || true)
		if [ -z "$offered" ]; then
			die "no ppc64el package index has $DEBCONFIG_PKG: run 'make deps' (as root) to fetch them"
		elif grep -qxF -e "$DEBCONFIG_VERSION" <<<"$offered"; then
			die "$DEBCONFIG_PKG:ppc64el $DEBCONFIG_VERSION is in the index but did not download (above); is the archive reachable?"
		fi
		die "$DEBCONFIG_PKG:ppc64el $DEBCONFIG_VERSION is no longer in the archive (it offers: $(paste -sd' ' <<<"$offered")).
Put one's Version and SHA256 (apt-cache show $DEBCONFIG_PKG:ppc64el=VERSION) into
bases/$BASE.conf (DEBCONFIG_VERSION, DEBCONFIG_SHA256), or the pinned .deb at $deb
(from snapshot.debian.org)."
	fi
	sum=$(sha256sum "$deb" | cut -d' ' -f1)
	if [ "$sum" != "$DEBCONFIG_SHA256" ]; then
		mv "$deb" "$deb.bad"
		die "$deb: sha256 $sum, expected $DEBCONFIG_SHA256 (bases/$BASE.conf); moved aside to .bad"
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$DEBCONFIG_FILE" | xz -dc >"$cfg.tmp" ||
		die "$deb has no $DEBCONFIG_FILE"
	mv "$cfg.tmp" "$cfg"
	echo "$cfg"
}

# the CONFIG_ symbols (without the prefix) of a .config, a tab, their
# values ("n" for "is not set")
values() {
	sed -n -e 's/^CONFIG_\([A-Za-z0-9_]*\)=\(.*\)/\1\t\2/p' \
		-e 's/^# CONFIG_\([A-Za-z0-9_]*\) is not set/\1\tn/p' "$1" | sort
}
tab=$'\t'

cfg=$(debian_config)
mkdir -p "$obj"
log=$obj/debconfig.log
(cd "$TREE" && scripts/kconfig/merge_config.sh -m -O "$obj" "$cfg" "$frag") >"$log" 2>&1 ||
	die "merge_config.sh failed (log: $log)"
make -C "$TREE" O="$obj" CC="${CROSS_COMPILE}gcc" olddefconfig </dev/null >>"$log" 2>&1 ||
	die "make olddefconfig failed (log: $log)"
if dropped=$(not_taken "$frag" "$obj/.config"); then
	die "Kconfig did not take $dropped of $frag"
fi

# What differs from Debian's values, but for the fragment's and what the
# compiler's and binutils' versions decide
toolchain='^(CC_VERSION_TEXT|CC_IS_|CC_HAS_|CC_CAN_|GCC_VERSION|CLANG_VERSION|AS_IS_|AS_HAS_|AS_VERSION|LD_IS_|LD_VERSION|LLD_VERSION|PAHOLE_|RUSTC_|BINDGEN_|TOOLS_SUPPORT_|ARCH_HAS_CC_|HAVE_.*_COMPILER)'
ours=$(values "$frag" | cut -f1 | paste -sd'|')
join -t"$tab" -a1 -a2 -e '(absent)' -o 0,1.2,2.2 <(values "$cfg") <(values "$obj/.config") |
	awk -F'\t' '$2 != $3' | grep -vE "$toolchain" | grep -vE "^($ours)$tab" |
	awk -F'\t' '{ print "CONFIG_" $1 ": Debian " $2 ", here " $3 }' >"$obj/debian-config.diff" || true
say "Debian's $DEBCONFIG_PKG $DEBCONFIG_VERSION config: $(wc -l <"$obj/debian-config.diff") other values differ ($obj/debian-config.diff)"

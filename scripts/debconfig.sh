#!/usr/bin/env bash
# Debian's configuration of its ppc64el kernel (base.conf: DEBCONFIG_*,
# from Debian's linux-config package, its sha256 checked) as the .config
# of the series' tree:
#   debconfig.sh OBJ FRAGMENT
# writes OBJ/.config: Debian's config with FRAGMENT's values over it (what
# this project changes, each with its reason), then olddefconfig. When
# FRAGMENT has "# modules: NAME..." lines (module names as lsmod shows
# them), the kernel's localmodconfig reduces the modules to those and what
# they need; what is built in stays as Debian has it. Fails when Kconfig
# did not take a value of FRAGMENT, or when the reduction changed a
# CONFIG_ symbol that the series' changed files or their directories'
# Makefiles use (those files are then built as Debian builds them).
# Leaves OBJ/debian-config.diff: the values that differ from Debian's
# (before the reduction), but for FRAGMENT's own and the toolchain's:
# what FRAGMENT's values imply, and the symbols the base's Kconfig added
# or dropped since DEBCONFIG_VERSION.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

obj=${1:?usage: debconfig.sh OBJ FRAGMENT}
frag=${2:?usage: debconfig.sh OBJ FRAGMENT}
[ -f "$frag" ] || die "no $frag"

# Debian's config, unpacked once from the verified package
debian_config() {
	local deb=$BUILD/dl/${DEBCONFIG_PKG}_${DEBCONFIG_VERSION}_ppc64el.deb
	local cfg=$BUILD/dl/debian-${DEBCONFIG_VERSION}.config sum found
	mkdir -p "$BUILD/dl"
	if [ ! -f "$cfg" ]; then
		if [ ! -f "$deb" ] && ! (cd "$BUILD/dl" &&
			apt-get download -qq "$DEBCONFIG_PKG:ppc64el=$DEBCONFIG_VERSION" 2>"$BUILD/dl/err"); then
			cat "$BUILD/dl/err" >&2
			found=$(apt-cache policy "$DEBCONFIG_PKG:ppc64el" 2>/dev/null | sed -n 's/^ *Candidate: //p')
			die "$DEBCONFIG_PKG:ppc64el $DEBCONFIG_VERSION is not in the archive (candidate now: ${found:-none}).
Put the candidate's Version and SHA256 (apt-cache show $DEBCONFIG_PKG:ppc64el) into
base.conf (DEBCONFIG_VERSION, DEBCONFIG_SHA256), or the .deb at $deb."
		fi
		sum=$(sha256sum "$deb" | cut -d' ' -f1)
		if [ "$sum" != "$DEBCONFIG_SHA256" ]; then
			mv "$deb" "$deb.bad"
			die "$deb: sha256 $sum, expected $DEBCONFIG_SHA256 (base.conf); moved aside to .bad"
		fi
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$DEBCONFIG_FILE" | xz -dc >"$cfg.tmp" ||
			die "$deb has no $DEBCONFIG_FILE"
		mv "$cfg.tmp" "$cfg"
	fi
	echo "$cfg"
}

# the CONFIG_ symbols (without the prefix) of a .config, a tab, their
# values ("n" for "is not set")
values() {
	sed -n -e 's/^CONFIG_\([A-Z0-9_]*\)=\(.*\)/\1\t\2/p' \
		-e 's/^# CONFIG_\([A-Z0-9_]*\) is not set/\1\tn/p' "$1" | sort
}
tab=$'\t'

kconf() {
	make -C "$TREE" O="$obj" CC="${CROSS_COMPILE}gcc" "$@" </dev/null >>"$obj/debconfig.log" 2>&1 ||
		die "make $* failed (log: $obj/debconfig.log)"
}

cfg=$(debian_config)
mkdir -p "$obj"
: >"$obj/debconfig.log"
(cd "$TREE" && scripts/kconfig/merge_config.sh -m -O "$obj" "$cfg" "$frag") \
	>>"$obj/debconfig.log" 2>&1 || die "merge_config.sh failed (log: $obj/debconfig.log)"
kconf olddefconfig
if dropped=$(not_taken "$frag" "$obj/.config"); then
	die "Kconfig did not take $dropped of $frag"
fi

# What Kconfig changed of Debian's values, but for the fragment's and
# what the toolchain decides
toolchain='^(CC_|GCC_|CLANG_|LD_|AS_|LLD_|PAHOLE_|RUSTC_|BINDGEN_|TOOLCHAIN_|ARCH_HAS_CC_|CC_VERSION_TEXT)'
join -t"$tab" -a1 -a2 -e '(absent)' -o 0,1.2,2.2 <(values "$cfg") <(values "$obj/.config") |
	awk -F'\t' '$2 != $3' | grep -vE "$toolchain" |
	grep -vE "^($(values "$frag" | cut -f1 | paste -sd'|'))$tab" |
	awk -F'\t' '{ print "CONFIG_" $1 ": Debian " $2 ", here " $3 }' >"$obj/debian-config.diff" || true
say "Debian's $DEBCONFIG_PKG $DEBCONFIG_VERSION config: $(wc -l <"$obj/debian-config.diff") other values differ ($obj/debian-config.diff)"

modules=$(sed -n 's/^# modules: //p' "$frag" | tr ' ' '\n' | grep . || true)
[ -n "$modules" ] || exit 0
cp "$obj/.config" "$obj/.config.full"
printf 'Module Size Used by\n' >"$obj/lsmod"
for m in $modules; do
	echo "$m 0 0"
done >>"$obj/lsmod"
kconf LSMOD="$obj/lsmod" localmodconfig
kconf olddefconfig
if dropped=$(not_taken "$frag" "$obj/.config"); then
	die "after localmodconfig, Kconfig did not take $dropped of $frag"
fi
# the symbols the series' changed files and their directories' Makefiles use
files=$(git -C "$TREE" diff --name-only base HEAD | grep -vE '^(tools|Documentation)/' || true)
used=$(
	cd "$TREE" || exit 1
	{
		for f in $files; do [ -f "$f" ] && echo "$f"; done
		for d in $(series_c_dirs); do [ -f "$d/Makefile" ] && echo "$d/Makefile"; done
	} | xargs grep -ohE 'CONFIG_[A-Z0-9_]+' | sed 's/^CONFIG_//; s/_MODULE$//' | sort -u || true
)
changed=$(join -t"$tab" -a1 -a2 -e n -o 0,1.2,2.2 <(values "$obj/.config.full") <(values "$obj/.config") |
	awk -F'\t' '$2 != $3' | join -t"$tab" - <(printf '%s\n' "$used") |
	awk -F'\t' '{ print "  CONFIG_" $1 ": " $2 ", then " $3 }' || true)
if [ -n "$changed" ]; then
	die "localmodconfig changed what the series' files use (Debian's value, then the reduced one):
$changed
add the modules they build to the '# modules:' lines of $frag"
fi
say "reduced to $(grep -c '=m$' "$obj/.config") modules with localmodconfig ($(grep -c '=m$' "$obj/.config.full") in Debian's)"

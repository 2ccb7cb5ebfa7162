#!/usr/bin/env bash
# The series in the configurations a maintainer builds. Each
# configs/matrix/NAME.config is merged over configs/[0-9]*.config (every
# value it asks for must be taken, see not_taken) and built from the series (the tree
# build/linux is at) in build/mx-NAME:
#   "# build: full"  vmlinux and modules (modpost checks what the series
#                    exports to modules);
#   "# build: dirs"  the directories the series changes C files in, which
#                    is where a configuration can break it;
#   "# cross: PFX"   another cross compiler (big-endian);
#   "# base: NAME"   merged over arch/powerpc/configs/NAME (alldefconfig)
#                    instead of the fragments (allnoconfig);
#   "# build: variant NAME"  the build of the experiment kernel
#                    variants/NAME.config (scripts/variant.sh: the Debian
#                    kernel, whose build log always has the warnings of
#                    the series' files), judged like the others.
# A build error fails the configuration, and so does a warning in a file
# the series changes (the base's own warnings elsewhere are listed, not
# counted). The object directories sit beside build/obj, so that ccache
# (CCACHE_BASEDIR) serves what another configuration compiled already.
# Prints KTAP, one test point per configuration.
#   matrix.sh [NAME...]        default: every configs/matrix/*.config
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for f in "$TOP"/configs/matrix/*.config; do
		f=${f##*/}
		names+=("${f%.config}")
	done
fi
"$TOP/scripts/tree.sh" >&2
changed=$(git -C "$TREE" diff --name-only base HEAD)
dirs=$(series_c_dirs | tr '\n' ' ')
frags=("$TOP"/configs/[0-9]*.config)

echo "TAP version 13"
echo "1..${#names[@]}"
n=0
fail=0
for name in "${names[@]}"; do
	n=$((n + 1))
	frag=$TOP/configs/matrix/$name.config
	obj=$BUILD/mx-$name
	log=$obj/build.log
	start=$(date +%s)
	mkdir -p "$obj"
	build=$(sed -n 's/^# build: //p' "$frag")
	if [[ $build == "variant "* ]] && [ -z "${DEBCONFIG_PKG:-}" ]; then
		# (the Debian kernel of a base whose Debian configuration is
		# not in the archive this project reaches)
		echo "ok $n config_$name # SKIP bases/$BASE.conf pins no Debian configuration (DEBCONFIG_*): no Debian kernel for $BASE_PKG"
		continue
	fi
	cross=$(sed -n 's/^# cross: //p' "$frag")
	cross=${cross:-$CROSS_COMPILE}
	base=$(sed -n 's/^# base: //p' "$frag")
	if [ -n "$base" ]; then
		merge=("$TREE/arch/powerpc/configs/$base" "$frag")
	else
		merge=(-n "${frags[@]}" "$frag")
	fi
	mk() {
		CCACHE_BASEDIR=$BUILD make -C "$TREE" O="$obj" -j"$JOBS" \
			CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" "$@"
	}
	why=
	if [[ $build == "variant "* ]]; then
		# (variant.sh builds in its own directory, and leaves its log
		# there; it must be this build's)
		log=$BUILD/variants/${build#variant }/build.log
		if ! "$TOP/scripts/variant.sh" "${build#variant }" >"$obj/variant.log" 2>&1; then
			why="variant.sh ${build#variant } failed (log: $obj/variant.log)"
			grep -E 'error' "$obj/variant.log" | head -10 | sed 's/^/# /'
		elif [ ! -f "$log" ] || [ "$(stat -c %Y "$log")" -lt "$start" ]; then
			why="no build log of this build at $log"
		fi
	elif ! command -v "${cross}gcc" >/dev/null; then
		why="no ${cross}gcc (make deps)"
	elif ! (cd "$TREE" && CROSS_COMPILE=$cross scripts/kconfig/merge_config.sh \
		-O "$obj" "${merge[@]}") >"$obj/merge_config.log" 2>&1; then
		why="merge_config.sh failed"
	elif dropped=$(not_taken "$frag" "$obj/.config"); then
		why="Kconfig did not take $dropped"
	else
		case $build in
		full) targets=(vmlinux modules) ;;
		dirs) read -r -a targets <<<"$dirs" ;;
		*) die "$frag: '# build: full', '# build: dirs' or '# build: variant NAME'" ;;
		esac
		if ! mk "${targets[@]}" >"$log" 2>&1; then
			why="build failed (log: $log)"
			grep -E 'error' "$log" | head -10 | sed 's/^/# /'
		fi
	fi
	if [ -z "$why" ]; then
		warnings=$(grep -E '(^|[^-])warning:' "$log" | sed -E "s#^$TREE/##; s#^(\.\./)+linux/##" | sort -u || true)
		new=$(while IFS=: read -r file _; do
			grep -qxF "$file" <<<"$changed" && echo "$file"
		done <<<"$warnings" | sort -u || true)
		[ -n "$warnings" ] && while read -r w; do echo "# $w"; done <<<"$warnings"
		[ -n "$new" ] && why="warnings in $(tr '\n' ' ' <<<"$new")"
	fi
	echo "# config_$name: $build build, $(($(date +%s) - start)) s"
	if [ -n "$why" ]; then
		echo "not ok $n config_$name # $why"
		fail=1
	else
		echo "ok $n config_$name"
	fi
done
exit $fail

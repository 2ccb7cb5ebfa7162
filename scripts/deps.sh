#!/usr/bin/env bash
# Install what the build and the scenarios need from Debian's archive.
# Idempotent and quiet when everything is already there; root is needed
# only when something is missing (a package, the ppc64el architecture or
# its package index), and then it says what.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

HOST_PKGS=(gcc-powerpc64le-linux-gnu gcc-powerpc64-linux-gnu libc6-dev-ppc64el-cross qemu-system-ppc
	qemu-system-data ccache sparse kmod bc bison flex libssl-dev libelf-dev
	cpio xz-utils git make gcc python3 python3-docutils shellcheck file rsync
	binutils-powerpc64le-linux-gnu dpkg-dev fakeroot openssl)

# apt-get update, retried: an index is sometimes caught mid-sync ("File has
# unexpected size"). If after the retries only ppc64el indexes still fail
# and the guest packages resolve from the others, go on with a warning.
apt_update() {
	# (not under build/: root must not leave files a user's build cannot
	# write)
	local i log
	log=$(mktemp)
	for i in 1 2 3; do
		if apt-get update -qq >"$log" 2>&1 && ! grep -q '^E:' "$log"; then
			return 0
		fi
		say "apt-get update: some indexes failed (try $i/3): archive unreachable or mid-sync"
		grep '^E: Failed' "$log" | head -3 >&2 || true
		[ "$i" = 3 ] || sleep 15
	done
	if ! grep '^E: Failed' "$log" | grep -qv binary-ppc64el; then
		native_update "$log"
		if apt-cache show busybox-static:ppc64el >/dev/null 2>&1; then
			say "warning: going on without the ppc64el indexes that failed (guest packages resolve from the others)"
			return 0
		fi
	fi
	die "apt-get update keeps failing; see $log (is Debian's archive reachable?)"
}

# native_update LOG: apt drops every index of a suite when one of them
# fails, so a suite whose ppc64el index is mid-sync would be missing on a
# new machine, with the host packages it carries (bookworm-security has
# linux-source). Fetch those suites again for this machine's architecture
# only, keeping the other lists.
native_update() {
	local src line uri suite comp
	src=$(mktemp)
	{ grep -o 'Failed to fetch [^ ]*/dists/[^ ]*/binary-ppc64el/' "$1" || true; } | sort -u |
		while read -r _ _ _ line; do
			uri=${line%%/dists/*}
			line=${line#*/dists/}
			suite=${line%%/*}
			comp=${line#*/}
			comp=${comp%%/*}
			echo "deb [arch=$(dpkg --print-architecture)] $uri $suite $comp"
		done >"$src"
	if [ -s "$src" ]; then
		say "apt-get update again for $(dpkg --print-architecture) only: $(cut -d' ' -f4- "$src" | tr '\n' ' ')"
		apt-get update -qq -o Dir::Etc::sourcelist="$src" -o Dir::Etc::sourceparts=- \
			-o APT::Get::List-Cleanup=0 >>"$1" 2>&1 ||
			say "warning: that failed too (see $1)"
	fi
	rm -f "$src"
}

missing=()
for p in "${HOST_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
need_update=0
[ ${#missing[@]} -gt 0 ] && need_update=1
dpkg --print-foreign-architectures | grep -qx ppc64el || need_update=1
apt-cache show busybox-static:ppc64el >/dev/null 2>&1 || need_update=1
if [ ${#missing[@]} = 0 ] && [ $need_update = 0 ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	dpkg --print-foreign-architectures | grep -qx ppc64el ||
		say "missing: the ppc64el architecture (dpkg --add-architecture ppc64el)"
	[ ${#missing[@]} = 0 ] || say "missing packages: ${missing[*]}"
	die "run 'make deps' as root once to install what is missing; the rest runs as any user"
fi
if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
	dpkg --add-architecture ppc64el
fi
[ $need_update = 1 ] && apt_update
if [ ${#missing[@]} -gt 0 ]; then
	say "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive quiet apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
		die "apt-get install failed"
fi

#!/usr/bin/env bash
# Build the initramfs images with the kernel's usr/gen_init_cpio.
#   images.sh guest    busybox, /init, shell tests, the kselftests
#   images.sh l1kvm    guest + Debian's qemu-system-ppc64 and its libraries,
#                      and an L2 kernel and initramfs under /l2
#   images.sh kdump    guest + Debian's kexec, this kernel and the guest
#                      image under /kdump (the crash kernel), the holder
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:?usage: images.sh guest|l1kvm|kdump}
mkdir -p "$IMG"
gen=$BUILD/gen_init_cpio
[ "$gen" -nt "$TREE/usr/gen_init_cpio.c" ] ||
	gcc -O2 -o "$gen" "$TREE/usr/gen_init_cpio.c"

# Every line of a gen_init_cpio list for the base of all images.
base_list() {
	local d f
	for d in /bin /sbin /usr /usr/bin /usr/sbin /proc /sys /dev /tmp /etc /root \
		/mnt /tests /kselftest /lib /lib64; do
		echo "dir $d 755 0 0"
	done
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "nod /dev/null 666 0 0 c 1 3"
	echo "file /bin/busybox $GUESTPKG/busybox/bin/busybox 755 0 0"
	echo "slink /bin/sh busybox 777 0 0"
}

guest_list() {
	local f
	base_list
	echo "file /init $TOP/guest/init 755 0 0"
	echo "dir /tests/lib 755 0 0"
	for f in "$TOP"/guest/tests/*.sh; do
		echo "file /tests/${f##*/} $f 755 0 0"
	done
	for f in "$TOP"/guest/tests/lib/*.sh; do
		echo "file /tests/lib/${f##*/} $f 644 0 0"
	done
	if [ -d "$BUILD/kselftest" ]; then
		(cd "$BUILD/kselftest" && find . -mindepth 1 -type d) | sed 's|^\./\(.*\)|dir /kselftest/\1 755 0 0|'
		(cd "$BUILD/kselftest" && find . -type f) | while read -r f; do
			echo "file /kselftest/${f#./} $BUILD/kselftest/${f#./} 755 0 0"
		done
	fi
}

# Resolve symbolic links inside the unpacked root: absolute link targets
# are relative to the root, not to this machine.
resolve() { # root path
	local root=$1 p=$2 t n=0
	while [ -L "$p" ]; do
		t=$(readlink "$p")
		case $t in
		/*) p=$root$t ;;
		*) p=$(dirname "$p")/$t ;;
		esac
		n=$((n + 1))
		[ $n -lt 20 ] || die "symlink loop at $2"
	done
	[ -f "$p" ] || die "$2: no such file in $root"
	realpath "$p"
}

# The shared libraries an ELF file needs, found in the unpacked packages.
libdirs=(lib/powerpc64le-linux-gnu usr/lib/powerpc64le-linux-gnu lib64)
elf_closure() {
	local root=$1 todo=("$2") seen=" " f lib d found
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $(readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
			case $seen in *" $lib "*) continue ;; esac
			seen="$seen$lib "
			found=
			for d in "${libdirs[@]}"; do
				if [ -e "$root/$d/$lib" ]; then
					found=$(resolve "$root" "$root/$d/$lib")
					break
				fi
			done
			[ -n "$found" ] || die "$lib (needed by ${f##*/}) not in the unpacked packages"
			echo "file /lib/powerpc64le-linux-gnu/$lib $found 755 0 0"
			todo+=("$found")
		done
	done
}

# program_list ROOT PATH: the lines for the program PATH of the unpacked
# packages in ROOT, with the loader and the libraries it needs
program_list() {
	local root=$1 path=$2
	echo "dir /lib/powerpc64le-linux-gnu 755 0 0"
	echo "file /lib64/ld64.so.2 $(resolve "$root" "$root/lib64/ld64.so.2") 755 0 0"
	echo "file $path $root$path 755 0 0"
	elf_closure "$root" "$root$path" | sort -u
}

l1kvm_list() {
	guest_list
	program_list "$GUESTPKG/qemu" /usr/bin/qemu-system-ppc64
	echo "dir /usr/share 755 0 0"
	echo "dir /usr/share/qemu 755 0 0"
	echo "file /usr/share/qemu/vof.bin /usr/share/qemu/vof.bin 644 0 0"
	echo "dir /l2 755 0 0"
	echo "file /l2/vmlinux $OBJ/vmlinux 644 0 0"
	echo "file /l2/initramfs.cpio $IMG/l2.cpio 644 0 0"
	echo "dir /bench 755 0 0"
	echo "file /bench/nocap.so $IMG/nocap.so 755 0 0"
}

kdump_list() {
	guest_list
	program_list "$GUESTPKG/kexec" /sbin/kexec
	echo "dir /kdump 755 0 0"
	echo "file /kdump/vmlinux $OBJ/vmlinux 644 0 0"
	echo "file /kdump/initrd $IMG/guest.cpio 644 0 0"
	echo "file /kdump/holder $IMG/holder 755 0 0"
}

l2_list() {
	base_list
	echo "file /init $TOP/guest/l2-init 755 0 0"
}

build() { # name list-function
	"$2" >"$IMG/$1.list"
	"$gen" "$IMG/$1.list" >"$IMG/$1.cpio.tmp"
	mv "$IMG/$1.cpio.tmp" "$IMG/$1.cpio"
}

"$TOP/scripts/guestpkg.sh" busybox
case $what in
guest) build guest guest_list ;;
l1kvm)
	"$TOP/scripts/guestpkg.sh" qemu
	# the benchmark's control: QEMU without KVM_CAP_SPAPR_TCE_VFIO
	"${CROSS_COMPILE}gcc" -O2 -Wall -Werror -shared -fPIC \
		-I "$OBJ/usr/include" -o "$IMG/nocap.so" "$TOP/guest/bench/nocap.c"
	build l2 l2_list
	build l1kvm l1kvm_list
	;;
kdump)
	"$TOP/scripts/guestpkg.sh" kexec
	"${CROSS_COMPILE}gcc" -O2 -Wall -Werror -static -I "$OBJ/usr/include" \
		-o "$IMG/holder" "$TOP/guest/kdump/holder.c"
	build guest guest_list
	build kdump kdump_list
	;;
*) die "unknown image: $what" ;;
esac
say "image $IMG/$what.cpio: $(du -h "$IMG/$what.cpio" | cut -f1)"

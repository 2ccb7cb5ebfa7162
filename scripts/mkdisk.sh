#!/usr/bin/env bash
# Make a raw disk image whose first sector holds a known marker, so a test
# can check that a read through any DMA path returns the right data.
#   mkdisk.sh FILE SIZE
set -euo pipefail
file=${1:?usage: mkdisk.sh FILE SIZE}
size=${2:?usage: mkdisk.sh FILE SIZE}
rm -f "$file"
truncate -s "$size" "$file"
printf 'SPAPR-VFIO-DISK-MARKER\n' | dd of="$file" conv=notrunc status=none

#!/usr/bin/env bash
# Make a raw disk image whose first sector holds a known marker, so a test
# can check that a read through any DMA path returns the right data.
#   mkdisk.sh FILE SIZE MARKER
set -euo pipefail
file=${1:?usage: mkdisk.sh FILE SIZE MARKER}
size=${2:?usage: mkdisk.sh FILE SIZE MARKER}
marker=${3:?usage: mkdisk.sh FILE SIZE MARKER}
rm -f "$file"
truncate -s "$size" "$file"
printf '%s\n' "$marker" | dd of="$file" conv=notrunc status=none

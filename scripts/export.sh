#!/usr/bin/env bash
# Export the commits base..HEAD of $TREE to patches/$BASE/ and rewrite
# its series. Unchanged commits give byte-identical files. Banner
# comments in the series are kept: each patch stays under the banner it was
# under (matched by file name without its number); a new patch goes under
# the banner of the patch before it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no tree at $TREE: run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted edits: commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" format-patch -q --zero-commit --no-signature -N \
	-o "$tmp" base..HEAD

mkdir -p "$SERIES_DIR"
find "$SERIES_DIR" -maxdepth 1 -name '*.patch' ! -name '0000-*' -delete
cp "$tmp"/*.patch "$SERIES_DIR/" 2>/dev/null || true

old=$SERIES_DIR/series
[ -f "$old" ] || printf '# Base: %s %s\n' "$BASE_PKG" "$BASE_VERSION" >"$old"
find "$tmp" -maxdepth 1 -name '*.patch' -printf '%f\n' | sort |
	awk -v base="# Base: $BASE_PKG $BASE_VERSION" -v oldf="$old" '
	BEGIN {
		banner = ""
		while ((getline line < oldf) > 0) {
			if (line ~ /^# Base:/) continue
			if (line ~ /^#/ || line ~ /^[[:space:]]*$/) {
				if (line ~ /^#/) banner = banner line "\n"
				continue
			}
			slug = line; sub(/^[0-9]+-/, "", slug)
			if (banner != "") { head[slug] = banner; banner = "" }
		}
		print base
	}
	{
		slug = $0; sub(/^[0-9]+-/, "", slug)
		if (slug in head) printf "\n%s", head[slug]
		print
	}' >"$tmp/series"
mv "$tmp/series" "$old"
say "exported $(grep -c '\.patch$' "$old") patches to patches/$BASE/"

#!/usr/bin/env bash
# Make $TREE a git tree holding the pinned base (tag "base") with the series
# applied by git am. Re-applies the series when patches/$BASE/ changed; a tree
# with commits or edits not exported to patches/$BASE/ is left as it is (work in
# progress) unless FORCE=1; with TREE_STRICT=1 such a tree is an error.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# patch-ids of the series as committed in patches/$BASE/
want_ids() {
	local p
	for p in $(series_files); do
		git patch-id --stable <"$SERIES_DIR/$p" | cut -d' ' -f1
	done
}

have_ids() {
	local c
	for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
		git -C "$TREE" show "$c" | git patch-id --stable | cut -d' ' -f1
	done
}

# One git am for the whole series: when a patch does not apply (after a
# rebase), resolve it in $TREE and 'git am --continue' applies the rest.
apply_series() {
	local files=()
	mapfile -t files < <(series_files | sed "s|^|$SERIES_DIR/|")
	git -C "$TREE" reset -q --hard base
	[ ${#files[@]} -gt 0 ] || return 0
	git -C "$TREE" am -q --whitespace=error-all "${files[@]}" ||
		die "the series does not apply with git am: resolve in $TREE ('git am --show-current-patch'), 'git am --continue', then 'make export'"
}

if [ ! -d "$TREE/.git" ]; then
	deb=$("$TOP/scripts/base.sh")
	say "unpacking $BASE_PKG $BASE_VERSION into $TREE"
	rm -rf "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$BASE_PKG.tar.xz" |
		xz -dc | tar -x -C "$TREE.tmp" --strip-components=1
	git -C "$TREE.tmp" init -q
	# -f: Debian's .gitignore ignores everything at the top level
	git -C "$TREE.tmp" add -f -A
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git -C "$TREE.tmp" -c user.name=base -c user.email=base@localhost \
		commit -q -m "$BASE_PKG $BASE_VERSION" --no-verify
	git -C "$TREE.tmp" tag base
	mv "$TREE.tmp" "$TREE"
	apply_series
	say "tree ready: $TREE ($(series_files | wc -l) patches on base)"
	exit 0
fi

base_subject=$(git -C "$TREE" log -1 --format=%s base)
[ "$base_subject" = "$BASE_PKG $BASE_VERSION" ] ||
	die "$TREE is based on '$base_subject', bases/$BASE.conf wants $BASE_PKG $BASE_VERSION: remove $TREE"

edits=$(git -C "$TREE" status --porcelain --untracked-files=no)
if [ "$(want_ids)" = "$(have_ids)" ] && [ -z "$edits" ]; then
	exit 0
fi
if [ "${FORCE:-0}" != 1 ]; then
	missing=$(comm -23 <(have_ids | sort) <(want_ids | sort) | wc -l)
	if [ -n "$edits" ] || [ "$missing" != 0 ]; then
		# Work in progress: build what is there, never throw it away
		# (but for what must be the series as committed: make deb)
		[ "${TREE_STRICT:-0}" != 1 ] ||
			die "$TREE has $missing unexported commit(s)${edits:+ and uncommitted edits}: 'make export' and commit, or FORCE=1 make tree to discard them"
		say "note: $TREE has $missing unexported commit(s)${edits:+ and uncommitted edits}; using it as it is ('make export' saves it, FORCE=1 make tree discards it)"
		exit 0
	fi
fi
say "re-applying patches/$BASE/series on base"
apply_series

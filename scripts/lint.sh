#!/usr/bin/env bash
# Patch hygiene, on patches/$BASE/ as committed (not on the work tree): every
# patch passes checkpatch.pl --strict with no error, warning or check, and
# the series applies to the base with git am (which never applies with fuzz).
# The fixes of the base come first, tagged for stable (fixes.py says which
# patches they are and which earlier fixes each needs).
#
# One checkpatch warning is judged here instead: FILE_PATH_CHANGES ("does
# MAINTAINERS need updating?") fires for every new file of a patch that does
# not touch MAINTAINERS. It is accepted when MAINTAINERS, after the whole
# series, has an F: entry for each file the series adds; otherwise lint fails.
# UNKNOWN_COMMIT_ID is not checked: the base is Debian's source package, a
# tree without upstream history, so checkpatch cannot look up the commits
# that Fixes: tags name (their "id ("subject")" form is still checked).
# Nor is MISSING_FIXES_TAG (6.12's checkpatch): for the same reason a fix
# may name the upstream change that brought its bug with its release
# instead, and fixes.py checks that each fix does one or the other.
# CAMELCASE is judged here too: checkpatch (with --no-tree) flags every use
# of a CamelCase name, also of the base's own (tce_setrange_multi_pSeriesLP
# and its kind in pSeries' iommu.c); a finding is accepted when the base
# already has the name, so that the series adds none of its own.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/tree.sh"
am=$AMCHECK
if [ ! -d "$am" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$am" base
fi
git -C "$am" am --abort >/dev/null 2>&1 || true
git -C "$am" reset -q --hard base
fail=0
n=0
for p in $(series_files); do
	n=$((n + 1))
	git -C "$am" am -q --whitespace=error-all "$SERIES_DIR/$p" >/dev/null 2>&1 ||
		die "patches/$BASE/$p does not apply with git am on $BASE_PKG $BASE_VERSION"
done
# The fixes of the base: first, each tagged and applying on the base with
# only the fixes it needs (fixes.py; bisect.sh builds each that way)
python3 "$TOP/scripts/fixes.py" check "$SERIES_DIR/series" "$am" || fail=1
# checkpatch, one patch per core at a time; its findings in series order
cp_out=$(mktemp -d)
# shellcheck disable=SC2016 # $0, $1 are expanded by the inner sh
series_files | xargs -P "$JOBS" -I{} sh -c '
	"$0/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID,MISSING_FIXES_TAG "$1/{}" \
		>"$2/{}" 2>&1 || true' "$TREE" "$SERIES_DIR" "$cp_out"
camel_ok() {
	python3 - "$1" "$am" <<'PY'
import re, subprocess, sys
path, am = sys.argv[1], sys.argv[2]
blocks = open(path).read().split('\n\n')
kept = []
for b in blocks:
    m = re.match(r'CHECK:CAMELCASE: Avoid CamelCase: <(\w+)>', b.strip())
    if m and subprocess.run(['git', '-C', am, 'grep', '-q', '-w', m.group(1),
                             'base', '--', 'arch', 'drivers', 'include']).returncode == 0:
        continue
    kept.append(b)
rest = '\n\n'.join(k for k in kept if not k.strip().startswith('total:')).strip()
open(path, 'w').write(rest + '\n' if rest else '')
PY
}
for p in $(series_files); do
	camel_ok "$cp_out/$p"
	if [ -s "$cp_out/$p" ]; then
		say "checkpatch --strict: $p"
		sed 's/^/  /' "$cp_out/$p" >&2
		fail=1
	fi
done
rm -rf "$cp_out"
# Every file the series adds has a MAINTAINERS entry of its own (F: a
# directory prefix or the file itself).
while read -r f; do
	if ! awk -v f="$f" '$1 == "F:" {
		p = $2; sub(/\/$/, "", p)
		if (f == p || index(f, p "/") == 1) found = 1
	} END { exit !found }' "$am/MAINTAINERS"; then
		say "MAINTAINERS has no F: entry for $f, added by the series"
		fail=1
	fi
done < <(git -C "$am" diff --name-only --diff-filter=A base HEAD)
# The documentation the series edits parses as the base's does (docutils;
# Debian's python3, which has python3-docutils)
mapfile -t rst < <(git -C "$am" diff --name-only --diff-filter=AM base HEAD -- '*.rst')
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if [ ${#rst[@]} -gt 0 ] && ! "$py" "$TOP/scripts/rstcheck.py" "$am" base "${rst[@]}" >&2; then
	say "lint: the .rst files above have new docutils messages"
	fail=1
fi
# The experiment kernels' patches apply to the series, the ones make
# bench alone builds too (variants/*.patch for 6.1, variants/BASE/*.patch
# for another base)
nv=0
shopt -s nullglob
variants=("$VARIANTS"/*.patch)
shopt -u nullglob
for v in "${variants[@]}"; do
	nv=$((nv + 1))
	if ! git -C "$am" apply --check "$v"; then
		say "lint: ${v#"$TOP"/} does not apply to the series"
		fail=1
	fi
done
# The harness itself
shellcheck -x -P SCRIPTDIR "$TOP"/scripts/*.sh "$TOP/.ci/run" || fail=1
shellcheck -s sh -x -P SCRIPTDIR "$TOP"/guest/init "$TOP"/guest/l2-init \
	"$TOP"/guest/tests/*.sh "$TOP"/guest/tests/lib/*.sh || fail=1
[ $fail = 0 ] || die "lint found problems (above)"
say "lint: $n patches apply with git am and pass checkpatch --strict; ${#rst[@]} .rst files parse; $nv experiment patches apply; scripts pass shellcheck"

#!/usr/bin/env bash
# Fetch the pinned linux-source .deb from Debian's archive and verify it.
# Prints the path of the verified .deb.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

deb=$DL/${BASE_PKG}_${BASE_VERSION}_all.deb
mkdir -p "$DL"

if [ ! -f "$deb" ]; then
	if ! (cd "$DL" && apt-get download -qq "$BASE_PKG=$BASE_VERSION" 2>"$DL/err"); then
		cat "$DL/err" >&2
		found=$(apt-cache policy "$BASE_PKG" 2>/dev/null | sed -n 's/^ *Candidate: //p')
		die "$BASE_PKG $BASE_VERSION is not in the archive (candidate now: ${found:-none}).
The archive has moved on: rebase the series (README.md, 'Rebasing'), or
put the .deb at $deb."
	fi
fi
sum=$(sha256sum "$deb" | cut -d' ' -f1)
if [ "$sum" != "$BASE_SHA256" ]; then
	mv "$deb" "$deb.bad"
	die "$deb: sha256 $sum, expected $BASE_SHA256 (bases/$BASE.conf); moved aside to .bad"
fi
echo "$deb"

#!/usr/bin/env bash
# Runs every Go fuzz target (func Fuzz*) in the module for FUZZTIME each.
# Usage: FUZZTIME=30s scripts/fuzz.sh [packages...]   (default: ./...)
# go test -fuzz takes one target in one package at a time, hence the loop.
# A failing input is written to the package's testdata/fuzz/ (commit it: it
# becomes a regression test that plain `go test` runs).
set -euo pipefail

GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-10s}"
if [ "$#" -eq 0 ]; then set -- ./...; fi

found=0
failed=0
for pkg in $("$GO" list "$@"); do
	# `go test -list` prints matching test names, then "ok <pkg> ..." (or nothing
	# for a package without tests).
	targets=$("$GO" test -list '^Fuzz' "$pkg" | grep -E '^Fuzz' || true)
	for target in $targets; do
		found=$((found + 1))
		echo "=== fuzz $pkg $target for $FUZZTIME"
		if ! "$GO" test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"; then
			failed=$((failed + 1))
		fi
	done
done

if [ "$found" -eq 0 ]; then
	echo "fuzz: no Fuzz* targets found"
	exit 0
fi
echo "fuzz: $found target(s) run, $failed failed"
[ "$failed" -eq 0 ]

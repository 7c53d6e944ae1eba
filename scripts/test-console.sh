#!/usr/bin/env bash
# make test-console: the operator console in a real browser.
#
# Starts the Alipay simulator (its example config and test keys) and `reach serve` on a
# throwaway SQLite database, both on free loopback ports, with loopback Alipay allowed
# (REACH_ALIPAY_ALLOW_LOOPBACK) and the simulator as the only Alipay host; creates an admin,
# a sender and a viewer API key; then runs the Playwright tests of console/web/e2e, which drive
# Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) through the console: sign-in, a
# channel that becomes ENABLED, a template imported by pasting, a message watched live to
# SENT and its timeline, a viewer without the create button, a wrong key refused; axe
# checks every screen; screenshots go to bin/screenshots/ (docs/screenshots/ with make screenshots).
#
# Without Chromium the tests are skipped, unless CI=true: then that is a failure.
# Usage: scripts/test-console.sh [path/to/reach]   (default bin/reach; make builds it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
reach="${1:-bin/reach}"
case "$reach" in /*) ;; *) reach="$root/$reach" ;; esac
testdata="$root/clients/alipaysim/testdata"
chromium="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
	if [ "${CI:-}" = "true" ]; then
		echo "test-console: $chromium not found; it is required when CI=true (make tools installs Debian's chromium)" >&2
		exit 1
	fi
	echo "test-console: SKIPPED: $chromium not found (Debian: apt-get install --no-install-recommends chromium fonts-wqy-microhei; CI=true makes this a failure)"
	exit 0
fi

# shellcheck source=scripts/lib/world.sh
. "$root/scripts/lib/world.sh"
start_world console
admin_key="$("$reach" keys create --database "$db" --tenant acme --role admin 2>>"$tmp/keys.log" | tail -n 1)"
sender_key="$("$reach" keys create --database "$db" --tenant acme --role sender 2>>"$tmp/keys.log" | tail -n 1)"
viewer_key="$("$reach" keys create --database "$db" --tenant acme --role viewer 2>>"$tmp/keys.log" | tail -n 1)"
echo "test-console: simulator $gateway, Reach http://$http_addr/console/"

export REACH_URL="http://$http_addr" REACH_ADMIN_KEY="$admin_key" REACH_SENDER_KEY="$sender_key" REACH_VIEWER_KEY="$viewer_key"
export ALIPAY_GATEWAY_URL="$gateway" ALIPAY_TESTDATA="$testdata" CHROMIUM="$chromium"
# Screenshots go to bin/screenshots, so a test run leaves the tree clean (every run's ids,
# times and ports differ); `make screenshots` points this at docs/screenshots to refresh
# the README's.
export SCREENSHOTS="${SCREENSHOTS:-$root/bin/screenshots}"
mkdir -p "$SCREENSHOTS"
npm --prefix console/web run --silent e2e

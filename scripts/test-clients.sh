#!/usr/bin/env bash
# make test-clients: the generated TypeScript and Python clients against a running Reach.
#
# Starts the Alipay simulator (its example config and test keys) and `reach serve` on a
# throwaway SQLite database, both on free loopback ports, creates an admin API key, then
# runs examples/ts (compiled with the pinned tsc against gen/ts) over the JSON gateway and
# examples/python (Debian's python3 with gen/python) over gRPC. Each example creates a
# channel and a template, records a subscription, sends a message, waits until it is SENT
# and checks the BadRequest of a bad send; a non-zero exit fails this script.
# Everything lives in a mktemp dir; the servers are stopped on exit.
# Usage: scripts/test-clients.sh [path/to/reach]   (default bin/reach; make builds it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
reach="${1:-bin/reach}"
case "$reach" in /*) ;; *) reach="$root/$reach" ;; esac
npm_bin="$root/tools/npm/node_modules/.bin"
testdata="$root/clients/alipaysim/testdata"

# shellcheck source=scripts/lib/world.sh
. "$root/scripts/lib/world.sh"
start_world clients
api_key="$("$reach" keys create --database "$db" --tenant acme --role admin 2>>"$tmp/keys.log" | tail -n 1)"
echo "test-clients: simulator $gateway, Reach gRPC $grpc_addr, HTTP $http_addr"

export REACH_URL="http://$http_addr" REACH_GRPC_ADDR="$grpc_addr" REACH_API_KEY="$api_key"
export ALIPAY_GATEWAY_URL="$gateway" ALIPAY_APP_ID=2021000000000002
export ALIPAY_APP_PRIVATE_KEY_FILE="$testdata/mini_private.pem" ALIPAY_PUBLIC_KEY_FILE="$testdata/alipay_public.pem"
# sim.json: a long-term template of that mini program which this user accepted there.
export ALIPAY_TEMPLATE_ID=cbc3487d54a648e0b38e334b2b047dd3 ALIPAY_USER_ID=2088000000000001

passed=0 failed=0

echo "=== TypeScript (examples/ts, JSON gateway)"
# tsc type-checks the example against gen/ts and writes ES modules; node resolves
# openapi-fetch through a node_modules link beside them.
if "$npm_bin/tsc" -p examples/ts --outDir "$tmp/ts" &&
	printf '{"type": "module"}\n' >"$tmp/ts/package.json" &&
	ln -s "$root/tools/npm/node_modules" "$tmp/ts/node_modules" &&
	node "$tmp/ts/examples/ts/send_message.js"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

echo "=== Python (examples/python, gRPC)"
# No __pycache__ in gen/python: check-generated counts untracked files there.
if PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$root/gen/python" /usr/bin/python3 examples/python/send_message.py; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

echo "test-clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

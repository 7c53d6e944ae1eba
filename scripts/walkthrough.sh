#!/usr/bin/env bash
# Runs the README's walk-through exactly as written, so the README cannot drift from what
# Reach does. The commands are not copied here: they are read from README.md, from every
# ```sh block that follows a marker comment:
#
#   <!-- walkthrough: background; ready URL -->   started in the background (a terminal of
#                                                 its own), then URL is polled until 200
#   <!-- walkthrough: run; expect A, B, … -->      run in one shell, in order (variables carry
#                                                 over); its output must contain A, B, …
#                                                 (compared with all whitespace removed)
#
# The blocks run in the repository's root as a user would, with two differences that
# change nothing they show: the database is a throwaway SQLite file (REACH_DATABASE) and
# `go install` writes into the temporary directory (GOBIN), which is put first on PATH.
#
#   scripts/walkthrough.sh          # needs go, make, curl, jq; ports 8080, 9090 and 9999 free
#   KEEP=1 scripts/walkthrough.sh   # keep the temporary directory (database, logs)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
for tool in go make curl jq; do
	command -v "$tool" >/dev/null || { echo "walkthrough: $tool is required" >&2; exit 1; }
done
for port in 8080 9090 9999; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "walkthrough: port $port is in use (a \`make run\` or simulator still running?); the README's commands need it" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/reach-walkthrough.XXXXXX")
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do # each background block leads its own process group
		kill -TERM -- "-$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [[ -z "${KEEP:-}" ]]; then rm -rf "$tmp"; else echo "walkthrough: kept $tmp"; fi
}
trap cleanup EXIT

# Split the README into numbered blocks: $tmp/N.sh (the commands) and $tmp/N.how (the
# marker's text after "walkthrough:").
awk -v dir="$tmp" '
	/^<!-- walkthrough: .* -->$/ { how = $0; sub(/^<!-- walkthrough: /, "", how); sub(/ -->$/, "", how); want = 1; next }
	want && /^```sh$/ { n++; print how > (dir "/" n ".how"); close(dir "/" n ".how"); inside = 1; want = 0; next }
	inside && /^```$/ { inside = 0; close(dir "/" n ".sh"); next }
	inside { print > (dir "/" n ".sh") }
	END { if (want || inside) { print "walkthrough: a marker without its ```sh block" > "/dev/stderr"; exit 1 } }
' README.md
blocks=$(find "$tmp" -name '*.how' | wc -l)
((blocks > 0)) || { echo "walkthrough: no <!-- walkthrough: … --> blocks in README.md" >&2; exit 1; }

export REACH_DATABASE="sqlite:$tmp/data/reach.db"
export GOBIN="$tmp/bin"
export PATH="$GOBIN:$PATH"

squeeze() { tr -d '[:space:]'; }

for ((n = 1; n <= blocks; n++)); do
	how=$(cat "$tmp/$n.how")
	block="$tmp/$n.sh"
	echo "== README block $n: $how"
	case "$how" in
	background\;\ ready\ *)
		url=${how#background; ready }
		setsid bash -c "cd '$root' && source '$block'" >"$tmp/$n.log" 2>&1 &
		pids+=($!)
		pid=$!
		# `make run` compiles first: allow a cold build cache several minutes.
		for ((i = 0; i < 1200; i++)); do
			if ! kill -0 "$pid" 2>/dev/null; then
				cat "$tmp/$n.log" >&2
				echo "walkthrough: block $n exited before $url answered" >&2
				exit 1
			fi
			[[ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" == 200 ]] && break
			sleep 0.25
		done
		[[ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" == 200 ]] || {
			cat "$tmp/$n.log" >&2
			echo "walkthrough: $url never answered 200" >&2
			exit 1
		}
		;;
	run\;\ expect\ *)
		# Sourced, not run in a child shell, so KEY, AUTH and MSG carry over to later blocks.
		set +e
		source "$block" >"$tmp/$n.log" 2>&1
		status=$?
		set -e
		cat "$tmp/$n.log"
		((status == 0)) || { echo "walkthrough: block $n ended with status $status" >&2; exit 1; }
		got=$(squeeze <"$tmp/$n.log")
		IFS=',' read -ra wants <<<"${how#run; expect }"
		for want in "${wants[@]}"; do
			w=$(squeeze <<<"$want")
			[[ "$got" == *"$w"* ]] || { echo "walkthrough: block $n did not print $want" >&2; exit 1; }
		done
		;;
	*)
		echo "walkthrough: block $n: unknown marker \"$how\"" >&2
		exit 1
		;;
	esac
done
echo "walkthrough: all $blocks README blocks ran as written and printed what they should"

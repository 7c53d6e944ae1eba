# Sourced by the scripts that test against a running Reach (test-clients.sh,
# test-console.sh): start_world NAME starts the Alipay simulator (its example config and
# test keys) and `reach serve` on a throwaway SQLite database, both on free loopback ports,
# with the simulator as the only Alipay host and loopback allowed, and sets
#   tmp        a mktemp dir for logs and the database, removed on exit
#   gateway    the simulator's gateway URL (http://127.0.0.1:PORT/gateway.do)
#   db         the database URL
#   grpc_addr, http_addr   where Reach listens
# Both servers are stopped on exit; when the script fails, the tail of each log is printed.
# Needs: root (the repository), reach (the binary), testdata (the simulator's).

# wait_log FILE PATTERN: the first line of FILE matching PATTERN, within 30 s.
wait_log() {
	local line
	for _ in $(seq 1 300); do
		if line="$(grep -m1 -- "$2" "$1")"; then echo "$line"; return 0; fi
		sleep 0.1
	done
	echo "$world_name: no '$2' in $(basename "$1") within 30 s" >&2
	return 1
}

world_cleanup() {
	local rc=$?
	for pid in "${world_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${world_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [ "$rc" -ne 0 ]; then
		for log in "$tmp"/*.log; do
			[ -s "$log" ] && { echo "--- $(basename "$log") (last 30 lines)" >&2; tail -n 30 "$log" >&2; }
		done
	fi
	rm -rf "$tmp"
}

start_world() {
	world_name="$1"
	world_pids=()
	tmp="$(mktemp -d "${TMPDIR:-/tmp}/reach-$world_name.XXXXXX")"
	trap world_cleanup EXIT

	# The simulator and Reach listen on port 0; each logs the address it got.
	"$reach" alipay-sim --config "$testdata/sim.json" --addr 127.0.0.1:0 >"$tmp/sim.log" 2>&1 &
	world_pids+=($!)
	gateway="$(wait_log "$tmp/sim.log" 'alipay simulator listening' | grep -o 'gateway=[^ ]*')"
	gateway="${gateway#gateway=}"
	local sim_host="${gateway#http://}" && sim_host="${sim_host%%/*}"

	db="sqlite:$tmp/reach.db"
	# Alipay is the simulator only: its host:port is the whole allowlist, loopback allowed.
	"$reach" serve --database "$db" --grpc-addr 127.0.0.1:0 --http-addr 127.0.0.1:0 \
		--alipay-hosts "$sim_host" --alipay-allow-loopback >"$tmp/reach.log" 2>&1 &
	world_pids+=($!)
	local serving
	serving="$(wait_log "$tmp/reach.log" 'msg=serving')"
	grpc_addr="$(grep -o 'grpc=[^ ]*' <<<"$serving")" && grpc_addr="${grpc_addr#grpc=}"
	http_addr="$(grep -o 'http=[^ ]*' <<<"$serving")" && http_addr="${http_addr#http=}"
}

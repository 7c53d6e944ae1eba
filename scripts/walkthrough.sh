#!/usr/bin/env bash
# Runs the README's curl walk-through against a freshly built `reach serve` on a throwaway
# SQLite database, then prints what it measured: binary sizes, time to /readyz and idle RSS.
#
#   scripts/walkthrough.sh            # needs go, curl, jq, openssl
#   KEEP=1 scripts/walkthrough.sh     # keep the temporary directory (database, logs)
#
# Nothing outside a temporary directory is touched; the server is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
for tool in go curl jq openssl; do
	command -v "$tool" >/dev/null || { echo "walkthrough: $tool is required" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/reach-walkthrough.XXXXXX")
pid=""
cleanup() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [[ -z "${KEEP:-}" ]]; then rm -rf "$tmp"; else echo "kept $tmp"; fi
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "== build"
go build -o "$tmp/reach" ./cmd/reach
go build -ldflags='-s -w' -o "$tmp/reach-stripped" ./cmd/reach
size=$(stat -c %s "$tmp/reach")
stripped=$(stat -c %s "$tmp/reach-stripped")
reach="$tmp/reach"
db="sqlite:$tmp/data/reach.db"

echo "== 1. an API key"
KEY=$("$reach" keys create --tenant acme --role admin --database "$db" | tail -n1)
[[ "$KEY" == rk_* ]] || { echo "no key on the last line: $KEY" >&2; exit 1; }
AUTH="Authorization: Bearer $KEY"

echo "== serve"
start=$(now_ms)
"$reach" serve --database "$db" --grpc-addr 127.0.0.1:0 --http-addr 127.0.0.1:0 2>"$tmp/serve.log" &
pid=$!
base=""
for _ in $(seq 1 600); do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; echo "serve exited" >&2; exit 1; }
	if [[ -z "$base" ]]; then
		addr=$(sed -n 's/.*msg=serving .*http=\([0-9.:]*\).*/\1/p' "$tmp/serve.log")
		[[ -n "$addr" ]] && base="http://$addr"
	fi
	if [[ -n "$base" ]] && [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" == 200 ]]; then
		break
	fi
	sleep 0.01
done
ready=$(( $(now_ms) - start ))
[[ -n "$base" ]] || { echo "serve never became ready" >&2; exit 1; }
sleep 5
rss=$(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status")

call() { # call PATH [BODY]: fail on a non-2xx answer, print the JSON
	local path=$1
	shift
	curl -sS --fail-with-body -H "$AUTH" "$@" "$base$path"
	echo
}

echo "== 2. a mini program channel"
openssl genrsa -out "$tmp/app.pem" 2048 2>/dev/null
openssl genrsa -out "$tmp/alipay.pem" 2048 2>/dev/null
openssl rsa -in "$tmp/alipay.pem" -pubout -out "$tmp/alipay.pub" 2>/dev/null
jq -n --rawfile priv "$tmp/app.pem" --rawfile pub "$tmp/alipay.pub" '{
  displayName: "Acme mini program", type: "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM",
  openPlatform: {appId: "2021000000000001", appPrivateKey: $priv, alipayPublicKey: $pub}}' |
	call '/v1/channels?channelId=acme-mini' -d @- | tee "$tmp/channel.json" | jq -c '.channel | {state, key: .openPlatform.appPrivateKeyInfo}'

echo "== 3. a one-time template"
call '/v1/channels/acme-mini/templates?templateId=order-shipped' -d '{
  "externalId": "ab72b134e7584250876d23f8e7c2000b", "displayName": "Order shipped",
  "subscriptionType": "SUBSCRIPTION_TYPE_ONE_TIME",
  "keywords": [{"key": "keyword1", "label": "订单号"}, {"key": "keyword2", "label": "快递公司"}]}' | jq -c '.template | {name, state}'

echo "== 4. the user's subscribe result"
call /v1/channels/acme-mini/subscriptions:recordSubscribeResult -d '{
  "user": {"userId": "2088000000000001"},
  "resultJson": "{\"behavior\":\"subscribe\",\"show\":true,\"keep\":false,\"result\":{\"subscribeEntityIds\":[\"ab72b134e7584250876d23f8e7c2000b\"],\"subscribedEntityIds\":[\"ab72b134e7584250876d23f8e7c2000b\"],\"unsubscribedEntityIds\":[],\"currentSubscribedEntityIds\":[\"ab72b134e7584250876d23f8e7c2000b\"]},\"ab72b134e7584250876d23f8e7c2000b\":\"accept\"}"}' |
	jq -c '{outcome, remainingSends: .subscriptions[0].remainingSends}'

echo "== 5. send"
send='{
  "requestId": "order-1001-shipped",
  "template": "channels/acme-mini/templates/order-shipped",
  "recipient": {"userId": "2088000000000001"},
  "data": {"keyword1": "1001", "keyword2": "SF Express"},
  "page": "pages/orders/detail?id=1001"}'
call /v1/messages:send -d "$send" | jq -c '{name: .message.name, state: .message.state, replayed}'
call /v1/messages:send -d "$send" | jq -c '{name: .message.name, state: .message.state, replayed}'

echo "== 6. what happened to it"
call '/v1/messages?filter=state%20%3D%20QUEUED' | jq -c '[.messages[] | {name, state}]'

echo "== secrets in the log?"
if grep -qF "$(sed -n 2p "$tmp/app.pem")" "$tmp/serve.log" || grep -qF "${KEY##*_}" "$tmp/serve.log"; then
	echo "LEAK: the private key or the API key secret is in the server log" >&2
	exit 1
fi
echo "none"

echo "== SIGTERM"
stop=$(now_ms)
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
echo "exit $code after $(( $(now_ms) - stop )) ms"

echo
echo "binary size:           $size bytes ($(( size / 1048576 )) MiB)"
echo "binary size -s -w:     $stripped bytes ($(( stripped / 1048576 )) MiB)"
echo "start to /readyz 200:  ${ready} ms (database already migrated by keys create; key file created by serve)"
echo "idle RSS (5 s later):  $rss"

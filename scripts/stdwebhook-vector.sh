#!/usr/bin/env bash
# Recomputes the Standard Webhooks test vector with openssl alone, as a check on
# internal/stdwebhook that shares no code with it. Prints the signature and exits non-zero
# when it is not the one the specification publishes.
set -euo pipefail

secret='whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
id='msg_p5jXN8AQM9LWM0D4loKWxJek'
timestamp='1614265330'
body='{"test": 2432232314}'
want='v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='

key_hex=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
got="v1,$(printf '%s.%s.%s' "$id" "$timestamp" "$body" |
	openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64)"
echo "$got"
[ "$got" = "$want" ] || { echo "want $want" >&2; exit 1; }

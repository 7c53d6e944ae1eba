#!/bin/sh
# Regenerates the alipayplus test keys and signature vectors with the openssl
# command line, so the Go signer and verifier are checked against an
# independent implementation of §4.2/§4.3 of the protocol notes:
#
#   content   = "POST <URI>\n<Client-Id>.<time>.<body>"
#   signature = urlencode(base64(SHA256withRSA(content)))
#
# The URL encoding is that of Go's url.QueryEscape on base64 text: only "+",
# "/" and "=" change. Bodies are written without a trailing newline because
# every byte is signed. Test-only keys; never use them anywhere else.
#
# Files:
#   merchant.pem, merchant_pub.pem   merchant key pair (PKCS#8, PKIX)
#   platform.pem, platform_pub.pem   platform key pair (PKCS#8, PKIX)
#   request.json                     the body Go must marshal for the test request
#   request_iso.sig                  merchant signature, Request-Time in ISO-8601 form
#   request_epoch.sig                merchant signature, Request-Time in epoch millis
#   response.json, response.sig      platform answer and its signature (Response-Time below)
set -eu
cd "$(dirname "$0")"

client_id=SANDBOX_5Y3A2N2YEB3002022
uri=/api/open/v2/miniprogram/message/send
time_iso=2019-04-04T12:08:56.253+05:30
time_epoch=1554359936253 # the same instant: date -u -d "$time_iso" +%s%3N
response_time=2019-04-04T12:08:57.001+05:30

q() { openssl "$@" 2>/dev/null; }
q genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out merchant.pem
q pkey -in merchant.pem -pubout -out merchant_pub.pem
q genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out platform.pem
q pkey -in platform.pem -pubout -out platform_pub.pem

# Field order and escaping as encoding/json writes SendMessageRequest with
# HTML escaping off ("&" stays "&"); the Go test checks the bytes match.
printf '%s' '{"appId":"P0000000000000012345","accessToken":"20191127190741010007000000777712345","customerBelongsTo":"ALIPAY_CN","requestId":"20191127190741010007013213123456","templateCode":"2021093058000000012345","templates":[{"templateParameters":{"miniBodyUrl":"pages%2Findex%2Findex&query=storeId%3D8888","orderNo":"123456","storeName":"Yummy Chicken Rice"},"language":"zh-CN"}]}' > request.json
printf '%s' '{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"messageId":"2019112719074101000701234567"}' > response.json

# sign KEY TIME BODYFILE: the URL-encoded signature, no trailing newline.
sign() {
	{ printf 'POST %s\n%s.%s.' "$uri" "$client_id" "$2"; cat "$3"; } |
		openssl dgst -sha256 -sign "$1" | base64 -w0 |
		sed -e 's/+/%2B/g' -e 's#/#%2F#g' -e 's/=/%3D/g' | tr -d '\n'
}
sign merchant.pem "$time_iso" request.json > request_iso.sig
sign merchant.pem "$time_epoch" request.json > request_epoch.sig
sign platform.pem "$response_time" response.json > response.sig
chmod 644 ./*.pem # test-only keys; openssl writes private keys 0600

#!/bin/sh
# Regenerates the gateway test keys, certificates and signature vectors with
# the openssl command line, so the Go code is checked against an independent
# implementation of every byte it signs, verifies, encrypts or decrypts.
# Test-only keys; never use them anywhere else.
#
# Every *.txt vector holds exact bytes with no trailing newline. Signatures are
# `openssl dgst -sha256 -sign KEY | base64 -w0` (RSASSA-PKCS1-v1_5, SHA-256,
# standard base64): deterministic, so Go must produce the very same text.
set -eu
cd "$(dirname "$0")"
days=36500
q() { openssl "$@" 2>/dev/null; }
sign() { openssl dgst -sha256 -sign "$1" | base64 -w0; }    # stdin: content
put() { printf '%s' "$2" > "$1"; }                            # exact bytes, no newline

# --- Keys and certificates (protocol notes §1.7) -----------------------------
# A root CA and an intermediate like Alipay's "Class 2" CA; the app cert and
# two Alipay public certs (the second one is what a rotation downloads) are
# issued by the intermediate and stored leaf first, chain after, like the
# files Alipay hands out. A rogue "Alipay" chain must be refused.
for k in root ca app alipay alipay2 rogue; do q genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${k}_key.pem"; done
printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n' > leaf.ext
q req -x509 -new -key root_key.pem -sha256 -days $days -set_serial 4096000001 \
	-subj "/C=CN/O=Reach Test/OU=Certification Authority/CN=Reach Gateway Test Root" -out root_cert.pem
q req -new -key ca_key.pem -subj "/C=CN/O=Reach Test/OU=Certification Authority/CN=Reach Gateway Test Class 2" -out ca.csr
q x509 -req -in ca.csr -CA root_cert.pem -CAkey root_key.pem -set_serial 4096000002 -days $days -sha256 -extfile ca.ext -out ca_cert.pem
leaf() { # name subject serial
	q req -new -key "$1_key.pem" -subj "$2" -out "$1.csr"
	q x509 -req -in "$1.csr" -CA ca_cert.pem -CAkey ca_key.pem -set_serial "$3" -days $days -sha256 -extfile leaf.ext -out "$1_leaf.pem"
	cat "$1_leaf.pem" ca_cert.pem > "$1_cert.pem"
}
leaf app "/C=CN/O=Reach Test Merchant/OU=Alipay/CN=2021000000000001" 202400000000000000001
leaf alipay "/C=CN/O=Reach Test Alipay/OU=Alipay/CN=Reach Test Alipay Public Key" 202400000000000000002
leaf alipay2 "/C=CN/O=Reach Test Alipay/OU=Alipay/CN=Reach Test Alipay Public Key" 202400000000000000003
# The rogue chain mimics the real one's names but roots in its own CA.
q genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rogue_ca_key.pem
q req -x509 -new -key rogue_ca_key.pem -sha256 -days $days -set_serial 4096000002 \
	-subj "/C=CN/O=Reach Test/OU=Certification Authority/CN=Reach Gateway Test Class 2" -out rogue_ca.pem
q req -new -key rogue_key.pem -subj "/C=CN/O=Reach Test Alipay/OU=Alipay/CN=Reach Test Alipay Public Key" -out rogue.csr
q x509 -req -in rogue.csr -CA rogue_ca.pem -CAkey rogue_ca_key.pem -set_serial 666 -days $days -sha256 -extfile leaf.ext -out rogue_leaf.pem
cat rogue_leaf.pem rogue_ca.pem > rogue_cert.pem
rm -f ./*.csr ./*.ext ./*_leaf.pem ./*.srl root_key.pem ca_key.pem rogue_ca_key.pem rogue_ca.pem

# Alipay cert SN (§1.7): md5(issuer in RFC 2253 + serial in decimal).
sn() {
	issuer=$(openssl x509 -in "$1" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
	serial=$(openssl x509 -in "$1" -noout -serial | sed 's/^serial=//')
	printf '%s%s' "$issuer" "$(echo "ibase=16; $serial" | BC_LINE_LENGTH=0 bc)" | md5sum | cut -d' ' -f1
}
put app_cert_sn.txt "$(sn app_cert.pem)"
put alipay_cert_sn.txt "$(sn alipay_cert.pem)"
put alipay2_cert_sn.txt "$(sn alipay2_cert.pem)"
put root_cert_sn.txt "$(sn root_cert.pem)"

# --- AES content encryption (§1.8): AES-CBC, zero IV, PKCS#7, base64 ----------
zero_iv=00000000000000000000000000000000
aes128=0f1e2d3c4b5a69788796a5b4c3d2e1f0
aes256=00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0
enc() { openssl enc -aes-"$1"-cbc -K "$2" -iv $zero_iv -base64 -A; }
put aes128_key.b64 "$(printf '%s' $aes128 | xxd -r -p | base64 -w0)"
put aes256_key.b64 "$(printf '%s' $aes256 | xxd -r -p | base64 -w0)"
aes_plain='{"to_user_id":"2088102122458832","msg":"支付宝 AES 向量: exactly 48+ bytes to span blocks"}'
put aes_plain.txt "$aes_plain"
put aes128_cipher.txt "$(printf '%s' "$aes_plain" | enc 128 $aes128)"
put aes256_cipher.txt "$(printf '%s' "$aes_plain" | enc 256 $aes256)"

# --- Request string-to-sign (§1.3, §1.4), built by hand ------------------------
# Key mode. Params: app_id=2021000000000001, method=alipay.open.app.mini.templatemessage.send,
# format=JSON, charset=utf-8, sign_type=RSA2, timestamp=2024-05-01 12:00:00 (Beijing),
# version=1.0, app_auth_token=202405BBtoken, notify_url=https://reach.example.com/notify?x=1,
# biz_content as below. Sorted by key; raw (not URL-encoded) values.
biz='{"to_user_id":"2088102122458832","user_template_id":"ab72b134e7584250876d23f1c5a30b0b","page":"pages/index/index?a=1&b=2","data":"{\"keyword1\":{\"value\":\"12:00\"},\"keyword2\":{\"value\":\"支付宝\"}}"}'
put request_biz.txt "$biz"
put request_content.txt "app_auth_token=202405BBtoken&app_id=2021000000000001&biz_content=$biz&charset=utf-8&format=JSON&method=alipay.open.app.mini.templatemessage.send&notify_url=https://reach.example.com/notify?x=1&sign_type=RSA2&timestamp=2024-05-01 12:00:00&version=1.0"
put request_sig.txt "$(printf '%s' "$(cat request_content.txt)" | sign app_key.pem)"

# Cert mode with AES: the cert SNs are signed like any param and biz_content is
# the ciphertext (§1.7, §1.8).
cbiz=$(printf '%s' "$biz" | enc 128 $aes128)
put request_cert_aes_content.txt "alipay_root_cert_sn=$(sn root_cert.pem)&app_cert_sn=$(sn app_cert.pem)&app_id=2021000000000001&biz_content=$cbiz&charset=utf-8&encrypt_type=AES&format=JSON&method=alipay.open.app.mini.templatemessage.send&sign_type=RSA2&timestamp=2024-05-01 12:00:00&version=1.0"
put request_cert_aes_sig.txt "$(printf '%s' "$(cat request_cert_aes_content.txt)" | sign app_key.pem)"

# --- Responses (§1.5, §1.6) ----------------------------------------------------
# The signed text is the value exactly as sent: note the space after the first
# comma and the \u and \/ escapes, which any re-encoding would change.
value='{"code":"10000", "msg":"Success","template_id":"7c866fab64464afaa956223c74ce6cbc","template":"{\"title\": \"交易确认\",\"url\":\"https:\/\/x\"}","tip":"\u652f\u4ed8\u5b9d"}'
put response.json "{\"alipay_open_public_template_message_add_response\":$value,\"sign\":\"$(printf '%s' "$value" | sign alipay_key.pem)\"}"

# Encrypted, cert mode: the value is a quoted base64 string, signed WITH the quotes.
plain='{"code":"10000","msg":"Success","show_component":true,"subscribe_relations":[{"template_id":"6511999536b14ba5830e3a0289ea69a","subscribe_type":"longterm","subscribe_state":"0","keep_state":"0","show":true}]}'
put response_aes_plain.txt "$plain"
quoted="\"$(printf '%s' "$plain" | enc 128 $aes128)\""
put response_aes.json "{\"alipay_open_app_messagetemplate_subscribe_query_response\":$quoted,\"alipay_cert_sn\":\"$(sn alipay_cert.pem)\",\"sign\":\"$(printf '%s' "$quoted" | sign alipay_key.pem)\"}"

# --- Notifications (§3.1): drop sign and sign_type, sort, join -----------------
nbiz='{"complaint_event_id":"2024050100000001","status":"PROCESSING","note":"用户投诉"}'
put notify_biz.txt "$nbiz"
put notify_content.txt "app_id=2021000000000001&biz_content=$nbiz&charset=utf-8&msg_method=alipay.merchant.tradecomplain.changed&notify_id=2024050100222150201032231420004&utc_timestamp=1714536000000&version=1.1"
put notify_sig.txt "$(printf '%s' "$(cat notify_content.txt)" | sign alipay_key.pem)"
# The same notification declared charset=GBK: the signed bytes are GBK.
put notify_gbk_sig.txt "$(printf '%s' "$(sed 's/charset=utf-8/charset=GBK/' notify_content.txt)" | iconv -f UTF-8 -t GBK | sign alipay_key.pem)"

# --- Life account gateway (§3.2): drop only sign; sign_type is signed; GBK -----
lbiz='<?xml version="1.0" encoding="GBK"?><XML><AppId><![CDATA[2021000000000001]]></AppId><FromUserId><![CDATA[2088102122458832]]></FromUserId><CreateTime><![CDATA[1714536000000]]></CreateTime><MsgType><![CDATA[event]]></MsgType><EventType><![CDATA[follow]]></EventType><ActionParam><![CDATA[]]></ActionParam><AgreementId><![CDATA[]]></AgreementId><AccountNo><![CDATA[]]></AccountNo><UserInfo><![CDATA[{"logon_id":"138****0000","user_name":"张三"}]]></UserInfo></XML>'
put lifeaccount_biz.txt "$lbiz"
put lifeaccount_sig.txt "$(printf '%s' "biz_content=$lbiz&charset=GBK&service=alipay.mobile.public.message.notify&sign_type=RSA2" | iconv -f UTF-8 -t GBK | sign alipay_key.pem)"

# --- Replies to the life account gateway (§3.2), signed with the app key ------
app_pub=$(openssl pkey -in app_key.pem -pubout -outform DER | base64 -w0)
put app_pub.b64 "$app_pub"
put gwcheck_sig.txt "$(printf '%s' "<success>true</success><biz_content>$app_pub</biz_content>" | sign app_key.pem)"
put ack_sig.txt "$(printf '%s' '<XML><ToUserId><![CDATA[2088102122458832]]></ToUserId><AppId><![CDATA[2021000000000001]]></AppId><CreateTime>1714536000000</CreateTime><MsgType><![CDATA[ack]]></MsgType></XML>' | sign app_key.pem)"

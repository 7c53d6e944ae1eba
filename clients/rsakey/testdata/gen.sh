#!/bin/sh
# Regenerates the rsakey test keys and certificates with the openssl command
# line, and expected_sn.tsv: the Alipay cert SNs computed from openssl's own
# output (issuer in RFC 2253 form, serial in decimal, MD5), so the Go code is
# checked against an independent implementation. Test-only keys; never use.
set -eu
cd "$(dirname "$0")"
days=36500
q() { openssl "$@" 2>/dev/null; }

# App key pair in every form operators paste.
q genrsa -traditional -out app_pkcs1.pem 2048
q pkcs8 -topk8 -nocrypt -in app_pkcs1.pem -out app_pkcs8.pem
q rsa -in app_pkcs1.pem -pubout -out app_pub_pkix.pem
q rsa -in app_pkcs1.pem -RSAPublicKey_out -out app_pub_pkcs1.pem
q pkcs8 -topk8 -v2 aes-256-cbc -passout pass:test -in app_pkcs1.pem -out app_encrypted_pkcs8.pem
q rsa -aes256 -passout pass:test -traditional -in app_pkcs1.pem -out app_encrypted_pkcs1.pem
q genrsa -traditional -out weak_1024.pem 1024
q rsa -in weak_1024.pem -pubout -out weak_1024_pub.pem
q genrsa -out big_4096_pkcs8.pem 4096
q ecparam -name prime256v1 -genkey -noout -out ec_sec1.pem
q pkcs8 -topk8 -nocrypt -in ec_sec1.pem -out ec_pkcs8.pem
q ec -in ec_sec1.pem -pubout -out ec_pub.pem
q genpkey -algorithm ed25519 -out ed25519.pem

# A CA in conventional DN order (C, O, OU, CN) and an app cert it issues.
q genrsa -out ca_key.pem 2048
q req -x509 -new -key ca_key.pem -sha256 -days $days -subj "/C=CN/O=Reach Test/OU=Certification Authority/CN=Reach Test Root CA" -out ca_cert.pem
q req -new -key app_pkcs1.pem -subj "/C=CN/O=Reach Test Merchant/OU=Alipay/CN=2021000000000001" -out app.csr
q x509 -req -in app.csr -CA ca_cert.pem -CAkey ca_key.pem -days $days -sha256 -out app_cert.pem

# A CA whose DN is in reverse order, with two OUs and an escaped comma, where
# Go's pkix.Name.String() (which reorders fields) and RFC 2253 disagree.
q genrsa -out odd_ca_key.pem 2048
q req -x509 -new -key odd_ca_key.pem -sha256 -days $days -subj "/CN=Reach Odd CA/OU=Unit A/OU=Unit B/O=Reach\, Odd/C=CN" -out odd_ca_cert.pem
q x509 -req -in app.csr -CA odd_ca_cert.pem -CAkey odd_ca_key.pem -days $days -sha256 -out odd_app_cert.pem

# Roots for a bundle like alipayRootCert.crt: RSA (SHA-1, SHA-256, PSS) and
# non-RSA ones (ECDSA, SM2) that the root SN must skip.
q req -x509 -new -key ca_key.pem -sha1 -days $days -subj "/C=CN/O=Reach Test/OU=Certification Authority/CN=Reach Test SHA1 Root" -out root_sha1.pem
q req -x509 -new -key odd_ca_key.pem -sha256 -sigopt rsa_padding_mode:pss -days $days -subj "/C=CN/O=Reach Test/CN=Reach Test PSS Root" -out root_pss.pem
q req -x509 -new -key ec_sec1.pem -sha256 -days $days -subj "/C=CN/O=Reach Test/CN=Reach Test ECC Root" -out root_ecc.pem
q genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out sm2_key.pem
q req -x509 -new -key sm2_key.pem -sm3 -days $days -subj "/C=CN/O=Reach Test/CN=Reach Test SM2 Root" -out root_sm2.pem
cat root_sha1.pem root_ecc.pem ca_cert.pem root_sm2.pem root_pss.pem > root_bundle.pem

# The CA keys were only needed to sign; keep the tree to what tests read.
rm -f app.csr ./*.srl ca_key.pem odd_ca_key.pem sm2_key.pem

sn() {
	issuer=$(openssl x509 -in "$1" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
	serial=$(openssl x509 -in "$1" -noout -serial | sed 's/^serial=//')
	decimal=$(echo "ibase=16; $serial" | BC_LINE_LENGTH=0 bc)
	printf '%s%s' "$issuer" "$decimal" | md5sum | cut -d' ' -f1
}
{
	printf 'file\tissuer_rfc2253\tserial_decimal\tsn\n'
	for f in app_cert.pem ca_cert.pem odd_app_cert.pem odd_ca_cert.pem root_sha1.pem root_pss.pem root_ecc.pem root_sm2.pem; do
		issuer=$(openssl x509 -in "$f" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
		serial=$(openssl x509 -in "$f" -noout -serial | sed 's/^serial=//')
		decimal=$(echo "ibase=16; $serial" | BC_LINE_LENGTH=0 bc)
		printf '%s\t%s\t%s\t%s\n' "$f" "$issuer" "$decimal" "$(sn "$f")"
	done
	# Root SN: RSA-signed certs only (signature OID 1.2.840.113549.1.1.*), in file order.
	printf 'root_bundle.pem\t-\t-\t%s_%s_%s\n' "$(sn root_sha1.pem)" "$(sn ca_cert.pem)" "$(sn root_pss.pem)"
	# Fingerprint: SHA-256 over the PKIX DER of the app public key.
	printf 'app_pub_pkix.pem\t-\t-\tSHA256:%s\n' "$(openssl pkey -pubin -in app_pub_pkix.pem -outform DER | sha256sum | cut -d' ' -f1)"
} > expected.tsv

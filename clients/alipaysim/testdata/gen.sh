#!/bin/sh
# Regenerates the example simulator keys and certificates with the openssl
# command line. TEST-ONLY KEYS: they are public in this repository; never use
# them anywhere real. sim.json (hand-written) refers to these files.
set -eu
cd "$(dirname "$0")"
days=36500
q() { openssl "$@" 2>/dev/null; }
key() { # key NAME: NAME_private.pem (PKCS#8) and NAME_public.pem (PKIX)
	q genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1_private.pem"
	q pkey -in "$1_private.pem" -pubout -out "$1_public.pem"
}

# The simulated Alipay: its key, a root bundle like alipayRootCert.crt (an RSA
# root the simulator can issue from, plus an ECDSA root that
# alipay_root_cert_sn must skip) and the Alipay public cert (leaf + root).
key alipay
q genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out alipay_root_key.pem
q req -x509 -new -key alipay_root_key.pem -sha256 -days $days \
	-subj "/C=CN/O=Reach Alipay Simulator/OU=Certification Authority/CN=Reach Alipay Simulator Example Root" -out root_rsa.pem
q ecparam -name prime256v1 -genkey -noout -out root_ec_key.pem
q req -x509 -new -key root_ec_key.pem -sha256 -days $days \
	-subj "/C=CN/O=Reach Alipay Simulator/CN=Reach Alipay Simulator Example ECC Root" -out root_ec.pem
cat root_rsa.pem root_ec.pem > alipay_root_cert.pem
q req -new -key alipay_private.pem -subj "/C=CN/O=Reach Alipay Simulator/OU=Alipay/CN=Alipay Simulator Example" -out alipay.csr
q x509 -req -in alipay.csr -CA root_rsa.pem -CAkey alipay_root_key.pem -set_serial "0x$(openssl rand -hex 16)" -days $days -sha256 -out alipay_leaf.pem
cat alipay_leaf.pem root_rsa.pem > alipay_cert.pem

# Apps: a Life Account, a mini program in public-key mode, a mini program in
# certificate mode (its app cert issued by the same root) and an Alipay+ app.
key life
key mini
key certmini
q req -new -key certmini_private.pem -subj "/C=CN/O=Reach Example Merchant/OU=Alipay Open Platform App/CN=2021000000000003" -out certmini.csr
q x509 -req -in certmini.csr -CA root_rsa.pem -CAkey alipay_root_key.pem -set_serial "0x$(openssl rand -hex 16)" -days $days -sha256 -out certmini_leaf.pem
cat certmini_leaf.pem root_rsa.pem > certmini_cert.pem
key plus

rm -f ./*.csr root_rsa.pem root_ec.pem root_ec_key.pem alipay_leaf.pem certmini_leaf.pem

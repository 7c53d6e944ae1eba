package rsakey

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePublicKey(t *testing.T) {
	priv, err := ParsePrivateKey(readTestdata(t, "app_pkcs1.pem"))
	if err != nil {
		t.Fatal(err)
	}
	want := PublicOf(priv)
	pkix := readTestdata(t, "app_pub_pkix.pem")
	cert := readTestdata(t, "app_cert.pem")
	tests := []struct {
		name string
		in   string
	}{
		{"PKIX PEM", pkix},
		{"PKIX bare base64 (Alipay console)", bare(t, pkix)},
		{"PKIX bare with line breaks", strings.Join(strings.SplitAfter(bare(t, pkix), "A"), "\n")},
		{"PKCS#1 RSA PUBLIC KEY", readTestdata(t, "app_pub_pkcs1.pem")},
		{"PKCS#1 bare", bare(t, readTestdata(t, "app_pub_pkcs1.pem"))},
		{"certificate PEM", cert},
		{"certificate bare base64", bare(t, cert)},
		{"certificate then its issuer: first block wins", cert + readTestdata(t, "ca_cert.pem")},
		{"flattened PEM", strings.ReplaceAll(pkix, "\n", " ")},
		{"JSON-escaped PEM", strings.ReplaceAll(pkix, "\n", `\n`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			if err != nil {
				t.Fatalf("ParsePublicKey: %v", err)
			}
			if !got.Equal(want) {
				t.Error("parsed a different key")
			}
		})
	}
}

func TestParsePublicKeyErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
		msg  string
	}{
		{"empty", "", ErrMalformed, "empty"},
		{"garbage base64", "aGVsbG8gd29ybGQ=", ErrMalformed, "not an X.509 public key"},
		{"1024-bit", readTestdata(t, "weak_1024_pub.pem"), ErrWeakKey, "1024 bits"},
		{"EC public key", readTestdata(t, "ec_pub.pem"), ErrNotRSA, "ECDSA"},
		{"ECDSA certificate", readTestdata(t, "root_ecc.pem"), ErrNotRSA, "ECDSA"},
		{"SM2 certificate", readTestdata(t, "root_sm2.pem"), ErrNotRSA, "SM2"},
		{"private key pasted", readTestdata(t, "app_pkcs8.pem"), ErrWrongKind, "private key"},
		{"bare private key pasted", bare(t, readTestdata(t, "app_pkcs1.pem")), ErrWrongKind, "private key"},
		{"EC private key pasted", readTestdata(t, "ec_pkcs8.pem"), ErrWrongKind, "private key"},
		{"encrypted private key pasted", readTestdata(t, "app_encrypted_pkcs8.pem"), ErrWrongKind, "private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePublicKey(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParsePublicKey = %v, %v; want %v", k != nil, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	pub, err := ParsePublicKey(readTestdata(t, "app_pub_pkix.pem"))
	if err != nil {
		t.Fatal(err)
	}
	want := expected(t)["app_pub_pkix.pem"].value // from openssl pkey -outform DER | sha256sum
	if got := Fingerprint(pub); got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
	priv, _ := ParsePrivateKey(readTestdata(t, "app_pkcs8.pem"))
	if got := Fingerprint(PublicOf(priv)); got != want {
		t.Errorf("Fingerprint(PublicOf(private)) = %s, want %s", got, want)
	}
	other, _ := ParsePrivateKey(readTestdata(t, "big_4096_pkcs8.pem"))
	if Fingerprint(PublicOf(other)) == want {
		t.Error("different keys share a fingerprint")
	}
}

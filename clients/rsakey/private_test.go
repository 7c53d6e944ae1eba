package rsakey

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePrivateKey(t *testing.T) {
	pkcs1 := readTestdata(t, "app_pkcs1.pem")
	pkcs8 := readTestdata(t, "app_pkcs8.pem")
	want, err := ParsePrivateKey(pkcs1)
	if err != nil {
		t.Fatalf("PKCS#1 PEM: %v", err)
	}
	wrap := func(s string, width int) string {
		var b strings.Builder
		for len(s) > width {
			b.WriteString(s[:width] + "\n")
			s = s[width:]
		}
		return b.String() + s
	}
	tests := []struct {
		name string
		in   string
	}{
		{"PKCS#1 PEM", pkcs1},
		{"PKCS#8 PEM", pkcs8},
		{"PKCS#1 bare base64", bare(t, pkcs1)},
		{"PKCS#8 bare base64 (Alipay key tool)", bare(t, pkcs8)},
		{"bare base64 wrapped at 64", wrap(bare(t, pkcs8), 64)},
		{"bare base64 with spaces and tabs", strings.Join(strings.SplitAfter(bare(t, pkcs8), "AAA"), " \t ")},
		{"bare base64 without padding", strings.TrimRight(bare(t, pkcs8), "=")},
		{"CRLF PEM", strings.ReplaceAll(pkcs8, "\n", "\r\n")},
		{"PEM with any label", strings.ReplaceAll(pkcs8, "PRIVATE KEY", "APP PRIVATE KEY")},
		{"PEM flattened onto one line", strings.ReplaceAll(pkcs1, "\n", " ")},
		{"PEM copied from JSON with \\n escapes", strings.ReplaceAll(pkcs8, "\n", `\n`)},
		{"PEM in quotes with surrounding text", "\"" + "\ufeffmy key:\n" + pkcs8 + "\n\""},
		{"indented", "   " + bare(t, pkcs1) + "\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePrivateKey(tt.in)
			if err != nil {
				t.Fatalf("ParsePrivateKey: %v", err)
			}
			if !got.Equal(want) {
				t.Error("parsed a different key")
			}
		})
	}
	t.Run("4096 bits", func(t *testing.T) {
		k, err := ParsePrivateKey(readTestdata(t, "big_4096_pkcs8.pem"))
		if err != nil || k.N.BitLen() != 4096 {
			t.Fatalf("ParsePrivateKey = %v", err)
		}
	})
}

func TestParsePrivateKeyErrors(t *testing.T) {
	pkcs8 := readTestdata(t, "app_pkcs8.pem")
	tests := []struct {
		name string
		in   string
		want error
		msg  string
	}{
		{"empty", "  \n", ErrMalformed, "empty"},
		{"too large", strings.Repeat(" ", 64<<10) + pkcs8, ErrMalformed, "larger than 64 KiB"},
		{"garbage", "not a key at all!", ErrMalformed, "neither PEM nor base64"},
		{"base64 of garbage", "aGVsbG8gd29ybGQ=", ErrMalformed, "not a PKCS#1 or PKCS#8 private key"},
		{"truncated base64 key", bare(t, pkcs8)[:400], ErrMalformed, ""},
		{"PEM with damaged body", strings.Replace(pkcs8, "M", "!", 1), ErrMalformed, ""},
		{"mismatched armour", "-----BEGIN PRIVATE KEY----- " + bare(t, pkcs8) + " -----END RSA PRIVATE KEY-----", ErrMalformed, "begins with"},
		{"BEGIN without END", "-----BEGIN PRIVATE KEY-----\n" + bare(t, pkcs8), ErrMalformed, "without a complete block"},
		{"1024-bit key", readTestdata(t, "weak_1024.pem"), ErrWeakKey, "1024 bits, want at least 2048"},
		{"encrypted PKCS#8", readTestdata(t, "app_encrypted_pkcs8.pem"), ErrEncrypted, ""},
		{"encrypted PKCS#1", readTestdata(t, "app_encrypted_pkcs1.pem"), ErrEncrypted, ""},
		{"EC PKCS#8", readTestdata(t, "ec_pkcs8.pem"), ErrNotRSA, "ECDSA"},
		{"EC SEC1", readTestdata(t, "ec_sec1.pem"), ErrNotRSA, "EC private key"},
		{"Ed25519", readTestdata(t, "ed25519.pem"), ErrNotRSA, "Ed25519"},
		{"public key pasted", readTestdata(t, "app_pub_pkix.pem"), ErrWrongKind, "public key"},
		{"bare public key pasted", bare(t, readTestdata(t, "app_pub_pkix.pem")), ErrWrongKind, "public key"},
		{"PKCS#1 public key pasted", readTestdata(t, "app_pub_pkcs1.pem"), ErrWrongKind, "public key"},
		{"certificate pasted", readTestdata(t, "app_cert.pem"), ErrWrongKind, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePrivateKey(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParsePrivateKey = %v, %v; want %v", k != nil, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
			if len(tt.in) > 40 && strings.Contains(err.Error(), strings.TrimSpace(tt.in)[30:40]) {
				t.Errorf("error %q echoes input", err)
			}
		})
	}
}

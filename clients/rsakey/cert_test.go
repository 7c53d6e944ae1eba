package rsakey

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// The SNs in testdata/expected.tsv were computed by gen.sh from openssl's
// RFC 2253 issuer, openssl's serial converted with bc, and md5sum.
func TestCertSNMatchesOpenSSL(t *testing.T) {
	exp := expected(t)
	for _, name := range []string{"app_cert.pem", "ca_cert.pem", "odd_app_cert.pem", "odd_ca_cert.pem", "root_sha1.pem", "root_pss.pem", "root_ecc.pem"} {
		t.Run(name, func(t *testing.T) {
			certs, err := ParseCertificates(readTestdata(t, name))
			if err != nil {
				t.Fatal(err)
			}
			want := exp[name]
			if got := issuerRFC2253(certs[0]); got != want.issuer {
				t.Errorf("issuer = %q, openssl RFC 2253 = %q", got, want.issuer)
			}
			if got := certs[0].SerialNumber.String(); got != want.serial {
				t.Errorf("serial = %s, want %s", got, want.serial)
			}
			if got := CertSN(certs[0]); got != want.value {
				t.Errorf("CertSN = %s, want %s", got, want.value)
			}
		})
	}
}

// Documents why CertSN does not use cert.Issuer.String() as the Go SDKs do:
// identical for conventional DNs, different when the issuer's RDN order is
// not Go's fixed order or an attribute repeats.
func TestIssuerStringVersusGoNameString(t *testing.T) {
	tests := []struct {
		file      string
		wantEqual bool
		goString  string
	}{
		{"app_cert.pem", true, "CN=Reach Test Root CA,OU=Certification Authority,O=Reach Test,C=CN"},
		{"odd_app_cert.pem", false, `CN=Reach Odd CA,OU=Unit A+OU=Unit B,O=Reach\, Odd,C=CN`},
	}
	for _, tt := range tests {
		certs, err := ParseCertificates(readTestdata(t, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		goString := certs[0].Issuer.String()
		if goString != tt.goString {
			t.Errorf("%s: Issuer.String() = %q, want %q", tt.file, goString, tt.goString)
		}
		if got := issuerRFC2253(certs[0]) == goString; got != tt.wantEqual {
			t.Errorf("%s: RFC 2253 issuer equal to Issuer.String() = %v, want %v", tt.file, got, tt.wantEqual)
		}
	}
}

func TestRootCertSN(t *testing.T) {
	bundle := readTestdata(t, "root_bundle.pem")
	want := expected(t)["root_bundle.pem"].value
	tests := []struct {
		name string
		in   string
	}{
		{"PEM bundle", bundle},
		{"CRLF bundle (Windows download)", strings.ReplaceAll(bundle, "\n", "\r\n")},
		{"base64 of the PEM (alipaycert.download)", base64.StdEncoding.EncodeToString([]byte(bundle))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs, err := ParseCertificates(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			// The SM2 root is skipped by parsing; the ECDSA root by RootCertSN.
			if len(certs) != 4 {
				t.Errorf("parsed %d certificates, want 4 (SM2 skipped)", len(certs))
			}
			if got := RootCertSN(certs); got != want {
				t.Errorf("RootCertSN = %s, want %s", got, want)
			}
		})
	}
	if got := RootCertSN(nil); got != "" {
		t.Errorf("RootCertSN(nil) = %q", got)
	}
}

func TestParseCertificates(t *testing.T) {
	app := readTestdata(t, "app_cert.pem")
	ca := readTestdata(t, "ca_cert.pem")
	tests := []struct {
		name  string
		in    string
		count int
	}{
		{"one PEM", app, 1},
		{"chain with text between", "Bag Attributes: junk\n" + app + "\nsubject=...\n" + ca, 2},
		{"bare base64 DER", bare(t, app), 1},
		{"flattened PEM", strings.ReplaceAll(app, "\n", " "), 1},
		{"X509 CERTIFICATE label", strings.ReplaceAll(app, "CERTIFICATE", "X509 CERTIFICATE"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs, err := ParseCertificates(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(certs) != tt.count {
				t.Errorf("got %d certificates, want %d", len(certs), tt.count)
			}
		})
	}
}

func TestParseCertificatesErrors(t *testing.T) {
	app := readTestdata(t, "app_cert.pem")
	tests := []struct {
		name string
		in   string
		want error
		msg  string
	}{
		{"empty", "", ErrMalformed, "empty"},
		{"only SM2", readTestdata(t, "root_sm2.pem"), ErrMalformed, "no certificate Go can read (1 non-RSA skipped)"},
		{"private key block", app + readTestdata(t, "app_pkcs8.pem"), ErrWrongKind, `PEM block 2 is "PRIVATE KEY"`},
		{"public key", readTestdata(t, "app_pub_pkix.pem"), ErrWrongKind, `"PUBLIC KEY"`},
		{"bare base64 non-certificate", "aGVsbG8gd29ybGQ=", ErrMalformed, "certificate 1"},
		{"corrupted RSA certificate", corrupt(t, app), ErrMalformed, "certificate 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs, err := ParseCertificates(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseCertificates = %d certs, %v; want %v", len(certs), err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
}

// corrupt flips a byte inside the TBS certificate's validity so the outer
// structure (and RSA signature OID) survive but parsing fails.
func corrupt(t *testing.T, pemText string) string {
	der, err := base64.StdEncoding.DecodeString(bare(t, pemText))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(der), "\x17\x0d") // first UTCTime
	if i < 0 {
		t.Fatal("no UTCTime in certificate")
	}
	der[i+2] = 'X'
	return base64.StdEncoding.EncodeToString(der)
}

package rsakey

import (
	"errors"
	"testing"
)

func fuzzSeeds(f *testing.F) {
	for _, name := range []string{"app_pkcs1.pem", "app_pkcs8.pem", "app_pub_pkix.pem", "app_pub_pkcs1.pem", "app_cert.pem", "ec_pkcs8.pem", "weak_1024.pem", "app_encrypted_pkcs1.pem", "root_sm2.pem"} {
		s := readTestdata(f, name)
		f.Add(s)
		f.Add(bare(f, s))
	}
	f.Add("-----BEGIN X-----")
	f.Add("")
}

func classified(err error) bool {
	for _, kind := range []error{ErrMalformed, ErrEncrypted, ErrNotRSA, ErrWeakKey, ErrWrongKind} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

func FuzzParsePrivateKey(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePrivateKey(s)
		if err != nil {
			if !classified(err) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if k.N.BitLen() < MinBits || Fingerprint(PublicOf(k)) == "" {
			t.Fatalf("accepted a bad key of %d bits", k.N.BitLen())
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePublicKey(s)
		if err != nil {
			if !classified(err) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if k.N.BitLen() < MinBits || Fingerprint(k) == "" {
			t.Fatalf("accepted a bad key of %d bits", k.N.BitLen())
		}
	})
}

func FuzzParseCertificates(f *testing.F) {
	fuzzSeeds(f)
	f.Add(readTestdata(f, "root_bundle.pem"))
	f.Fuzz(func(t *testing.T, s string) {
		certs, err := ParseCertificates(s)
		if err != nil {
			if !classified(err) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if len(certs) == 0 {
			t.Fatal("no certificates and no error")
		}
		for _, c := range certs {
			_ = CertSN(c)
		}
		_ = RootCertSN(certs)
	})
}

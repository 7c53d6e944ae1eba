package rsakey

import (
	"bufio"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bare strips the PEM armour, leaving the base64 body on one line, as the
// Alipay key tool and console show keys.
func bare(t testing.TB, pemText string) string {
	t.Helper()
	b, _ := pem.Decode([]byte(pemText))
	if b == nil {
		t.Fatal("testdata is not PEM")
	}
	lines := strings.Split(strings.TrimSpace(pemText), "\n")
	return strings.Join(lines[1:len(lines)-1], "")
}

// expected reads testdata/expected.tsv, written by gen.sh from openssl output.
type expectedRow struct{ issuer, serial, value string }

func expected(t testing.TB) map[string]expectedRow {
	t.Helper()
	out := map[string]expectedRow{}
	sc := bufio.NewScanner(strings.NewReader(readTestdata(t, "expected.tsv")))
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 {
			t.Fatalf("bad expected.tsv line %q", sc.Text())
		}
		out[f[0]] = expectedRow{issuer: f[1], serial: f[2], value: f[3]}
	}
	return out
}

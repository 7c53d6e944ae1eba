package secrets

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// Fixed test keys: 32 bytes of a repeated byte, so failures are readable.
var (
	keyA = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
	keyB = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("b", 32)))
	keyC = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("c", 32)))
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantIDs []string
	}{
		{"single", "k1:" + keyA, []string{"k1"}},
		{"comma separated", "k1:" + keyA + ",k2:" + keyB, []string{"k1", "k2"}},
		{"spaces around", "  k1 : " + keyA + " ,  k2:" + keyB + "  ", []string{"k1", "k2"}},
		{"trailing comma", "k1:" + keyA + ",", []string{"k1"}},
		{"newlines", "k1:" + keyA + "\nk2:" + keyB + "\n", []string{"k1", "k2"}},
		{"crlf", "k1:" + keyA + "\r\nk2:" + keyB + "\r\n", []string{"k1", "k2"}},
		{
			"file with comments and blanks",
			"# header\n\n  # indented comment\nnew_2026-11:" + keyC + " # newest first\n\nold:" + keyA + "\n",
			[]string{"new_2026-11", "old"},
		},
		{"mixed separators", "a:" + keyA + ",b:" + keyB + "\nc:" + keyC, []string{"a", "b", "c"}},
		{"32-char id", strings.Repeat("x", 32) + ":" + keyA, []string{strings.Repeat("x", 32)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := strings.Join(r.IDs(), ","); got != strings.Join(tt.wantIDs, ",") {
				t.Errorf("IDs = %s, want %s", got, strings.Join(tt.wantIDs, ","))
			}
			if r.PrimaryID() != tt.wantIDs[0] {
				t.Errorf("PrimaryID = %s, want %s", r.PrimaryID(), tt.wantIDs[0])
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	short := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("s", 31)))
	long := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("l", 33)))
	tests := []struct {
		name string
		text string
		want string // substring of the error
	}{
		{"empty", "", "no keys"},
		{"only comments", "# nothing\n\n,,\n", "no keys"},
		{"missing colon", keyA, "entry 1 (line 1): want \"ID:BASE64KEY\", found no ':'"},
		{"empty id", ":" + keyA, "entry 1 (line 1): key id must be"},
		{"bad id char", "k.1:" + keyA, "key id must be"},
		{"id too long", strings.Repeat("x", 33) + ":" + keyA, "key id must be"},
		{"empty key", "k1:", `key "k1" is empty`},
		{"not base64", "k1:!!!notbase64!!!", `key "k1" is not valid standard base64`},
		{"url-safe base64", "k1:" + strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\xfb", 32)))), "not valid standard base64"},
		{"short key", "k1:" + short, `key "k1" is 31 bytes after base64 decoding, want 32`},
		{"long key", "k1:" + long, "is 33 bytes"},
		{"duplicate id", "k1:" + keyA + "\nk1:" + keyB, `entry 2 (line 2): duplicate key id "k1"`},
		{"second entry bad", "k1:" + keyA + ",k2:" + short, "entry 2 (line 1)"},
		{"line number counts comments", "# c\n\nk1:" + short, "entry 1 (line 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.text)
			if err == nil {
				t.Fatalf("Parse = %v, want error", r)
			}
			if !errors.Is(err, ErrInvalidKeyRing) {
				t.Errorf("error %v does not wrap ErrInvalidKeyRing", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// A malformed entry may be the key itself; no error may quote it.
func TestParseErrorsNeverEchoKeyMaterial(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("this is 31 bytes of secret text"))
	inputs := []string{
		secret,                          // id forgotten
		"k1:" + secret,                  // wrong length
		secret + ":" + keyA,             // key where the id belongs
		"k1:" + secret[:len(secret)-3],  // corrupt base64
		"k1:" + keyA + "\nk1:" + secret, // duplicate
		"k1:" + secret + "$",
	}
	for _, in := range inputs {
		_, err := Parse(in)
		if err == nil {
			t.Fatalf("Parse(%q) succeeded", in)
		}
		for _, frag := range []string{secret, secret[:8], keyA[:8]} {
			if strings.Contains(err.Error(), frag) {
				t.Errorf("error %q echoes key material %q", err, frag)
			}
		}
	}
}

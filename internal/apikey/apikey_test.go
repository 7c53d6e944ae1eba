package apikey

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var tokenRE = regexp.MustCompile(`^rk_[a-z2-7]{12}_[A-Za-z0-9]{32}$`)

func TestNew(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		token, id, hash, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if !tokenRE.MatchString(token) {
			t.Fatalf("token %q does not match %v", token, tokenRE)
		}
		gotID, secret, err := Parse(token)
		if err != nil {
			t.Fatalf("Parse(New()): %v", err)
		}
		if gotID != id {
			t.Errorf("Parse id = %q, New id = %q", gotID, id)
		}
		if !Verify(secret, hash) {
			t.Error("Verify(secret, hash from New) = false")
		}
		if strings.Contains(hash, secret) {
			t.Error("hash contains the secret")
		}
		if seen[id] || seen[token] {
			t.Fatal("duplicate id or token")
		}
		seen[id], seen[token] = true, true
	}
}

func TestParse(t *testing.T) {
	const id = "abcdefgh2345"
	secret := strings.Repeat("aZ9", 11)[:32]
	tests := []struct {
		name       string
		token      string
		wantID     string
		wantSecret string
		wantErr    string
	}{
		{"valid", "rk_" + id + "_" + secret, id, secret, ""},
		{"longer secret from a future version", "rk_" + id + "_" + strings.Repeat("x", 128), id, strings.Repeat("x", 128), ""},
		{"empty", "", "", "", "want prefix"},
		{"wrong prefix", "sk_" + id + "_" + secret, "", "", "want prefix"},
		{"uppercase prefix", "RK_" + id + "_" + secret, "", "", "want prefix"},
		{"no separator", "rk_" + id + secret, "", "", "want rk_<id>_<secret>"},
		{"short id", "rk_abc_" + secret, "", "", "id must be"},
		{"uppercase id", "rk_ABCDEFGH2345_" + secret, "", "", "id must be"},
		{"id with 0 or 1 (not base32)", "rk_abcdefgh0145_" + secret, "", "", "id must be"},
		{"short secret", "rk_" + id + "_" + secret[:31], "", "", "secret must be"},
		{"secret too long", "rk_" + id + "_" + strings.Repeat("x", 129), "", "", "secret must be"},
		{"underscore in secret", "rk_" + id + "_" + secret[:16] + "_" + secret[16:], "", "", "secret must be"},
		{"dash in secret", "rk_" + id + "_" + secret[:16] + "-" + secret[16:], "", "", "secret must be"},
		{"surrounding space", " rk_" + id + "_" + secret, "", "", "want prefix"},
		{"trailing newline", "rk_" + id + "_" + secret + "\n", "", "", "secret must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, secret, err := Parse(tt.token)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse error = %v, want ErrMalformed containing %q", err, tt.wantErr)
				}
				if tt.token != "" && strings.Contains(err.Error(), tt.token) {
					t.Errorf("error echoes the token")
				}
				return
			}
			if err != nil || id != tt.wantID || secret != tt.wantSecret {
				t.Errorf("Parse = %q, %q, %v; want %q, %q", id, secret, err, tt.wantID, tt.wantSecret)
			}
		})
	}
}

func TestHash(t *testing.T) {
	// echo -n abc | sha256sum
	if got, want := Hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("Hash(abc) = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	h := Hash("secret")
	tests := []struct {
		name   string
		secret string
		hash   string
		want   bool
	}{
		{"match", "secret", h, true},
		{"uppercase stored hash", "secret", strings.ToUpper(h), true},
		{"wrong secret", "secreT", h, false},
		{"empty secret", "", h, false},
		{"empty hash", "secret", "", false},
		{"truncated hash", "secret", h[:62], false},
		{"not hex", "secret", strings.Repeat("z", 64), false},
		{"hash of empty vs empty", "", Hash(""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.secret, tt.hash); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// Every alphabet character must be reachable and none favoured grossly;
// a modulo bias on base62 would show as a skew in the first characters.
func TestRandomStringUniform(t *testing.T) {
	counts := map[byte]int{}
	const n = 62 * 400
	s, err := randomString(secretAlphabet, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	if len(counts) != len(secretAlphabet) {
		t.Fatalf("saw %d distinct characters, want %d", len(counts), len(secretAlphabet))
	}
	for c, k := range counts {
		if k < 250 || k > 550 { // expected 400; these bounds are > 7 sigma
			t.Errorf("character %q drawn %d times, want about 400", c, k)
		}
	}
}

func FuzzParse(f *testing.F) {
	token, _, _, _ := New()
	f.Add(token)
	f.Add("rk_abcdefgh2345_" + strings.Repeat("x", 40))
	f.Add("rk__")
	f.Add("rk_abcdefgh2345__")
	f.Fuzz(func(t *testing.T, token string) {
		id, secret, err := Parse(token)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if Prefix+id+"_"+secret != token {
			t.Fatalf("Parse(%q) = %q, %q does not rebuild the token", token, id, secret)
		}
		if strings.Contains(id, "_") || strings.Contains(secret, "_") {
			t.Fatalf("underscore inside a part")
		}
	})
}

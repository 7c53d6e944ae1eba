package gateway

import (
	"strings"
	"testing"
)

// openssl enc -aes-{128,256}-cbc -iv 0… -base64 made the ciphertexts (§1.8).
func TestAESMatchesOpenSSL(t *testing.T) {
	plain := readTestdata(t, "aes_plain.txt")
	for _, size := range []string{"128", "256"} {
		key, err := ParseEncryptKey(readTestdata(t, "aes"+size+"_key.b64"))
		if err != nil {
			t.Fatal(err)
		}
		want := readTestdata(t, "aes"+size+"_cipher.txt")
		got, err := encrypt(key, []byte(plain))
		if err != nil || got != want {
			t.Errorf("AES-%s encrypt = %s, %v; openssl %s", size, got, err, want)
		}
		dec, err := decrypt(key, want)
		if err != nil || string(dec) != plain {
			t.Errorf("AES-%s decrypt = %q, %v", size, dec, err)
		}
	}
}

func TestAESEdges(t *testing.T) {
	key := make([]byte, 24)
	for _, n := range []int{0, 15, 16, 17, 32} {
		plain := strings.Repeat("x", n)
		ct, err := encrypt(key, []byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := decrypt(key, ct); err != nil || string(got) != plain {
			t.Errorf("%d bytes: round trip = %q, %v", n, got, err)
		}
	}
	good, _ := encrypt(key, []byte("hello"))
	otherKey := make([]byte, 24)
	otherKey[0] = 1
	for name, ct := range map[string]string{"not base64": "!!", "empty": "", "short": "AAAA", "wrong key": good} {
		k := key
		if name == "wrong key" {
			k = otherKey
		}
		if _, err := decrypt(k, ct); err == nil {
			t.Errorf("%s: decrypt succeeded", name)
		}
	}
	for _, bad := range []string{"", "!!", "AAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if _, err := ParseEncryptKey(bad); err == nil {
			t.Errorf("ParseEncryptKey(%q) succeeded", bad)
		}
	}
}

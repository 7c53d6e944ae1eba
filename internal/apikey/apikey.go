// Package apikey mints, parses and verifies "rk_<id>_<secret>" API keys.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Prefix starts every token so secret scanners and people can recognise one.
const Prefix = "rk_"

const (
	// IDLen is the length of the public id: 12 base32 characters, 60 bits,
	// plenty to look a key up without collisions in one deployment.
	IDLen = 12
	// SecretLen is the length of newly minted secrets: 32 base62 characters
	// carry 32·log2(62) ≈ 190.5 bits of randomness.
	SecretLen = 32
	// maxSecretLen lets Parse accept longer secrets minted by a future version.
	maxSecretLen = 128
)

// Alphabets exclude '_' so "rk_<id>_<secret>" splits unambiguously, and are
// URL-safe so a token can sit in a header, a query string or a shell.
const (
	idAlphabet     = "abcdefghijklmnopqrstuvwxyz234567"                               // lowercase RFC 4648 base32
	secretAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" // base62
)

// ErrMalformed is wrapped by every Parse error. Messages never include the
// token, which is a credential.
var ErrMalformed = errors.New("malformed api key")

// New mints a key. token is shown to the user once; id and hash are stored.
func New() (token, id, hash string, err error) {
	id, err = randomString(idAlphabet, IDLen)
	if err != nil {
		return "", "", "", fmt.Errorf("new api key: %w", err)
	}
	secret, err := randomString(secretAlphabet, SecretLen)
	if err != nil {
		return "", "", "", fmt.Errorf("new api key: %w", err)
	}
	return Prefix + id + "_" + secret, id, Hash(secret), nil
}

// Parse splits a token into its id (for lookup) and secret (for Verify).
func Parse(token string) (id, secret string, err error) {
	rest, ok := strings.CutPrefix(token, Prefix)
	if !ok {
		return "", "", fmt.Errorf("%w: want prefix %q", ErrMalformed, Prefix)
	}
	id, secret, ok = strings.Cut(rest, "_")
	if !ok {
		return "", "", fmt.Errorf("%w: want %s<id>_<secret>", ErrMalformed, Prefix)
	}
	if len(id) != IDLen || !onlyFrom(id, idAlphabet) {
		return "", "", fmt.Errorf("%w: id must be %d characters of a-z 2-7", ErrMalformed, IDLen)
	}
	if len(secret) < SecretLen || len(secret) > maxSecretLen || !onlyFrom(secret, secretAlphabet) {
		return "", "", fmt.Errorf("%w: secret must be %d-%d characters of A-Z a-z 0-9", ErrMalformed, SecretLen, maxSecretLen)
	}
	return id, secret, nil
}

// Hash returns the hex SHA-256 of a secret, the form stored at rest.
//
// A fast unsalted hash is enough here, unlike for passwords: the secret is
// 190+ bits from crypto/rand, so neither brute force nor precomputed tables
// can invert it, and a slow KDF would only add latency to every request.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Verify reports whether secret matches a stored hash, in constant time so
// response timing reveals nothing about how much of a guess was right.
func Verify(secret, hash string) bool {
	want, err := hex.DecodeString(hash)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	got := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(got[:], want) == 1
}

// randomString draws n characters uniformly from alphabet by rejection
// sampling, so no character is more likely than another (a plain modulo
// would bias base62).
func randomString(alphabet string, n int) (string, error) {
	// Smallest all-ones mask covering the alphabet.
	mask := byte(1)
	for int(mask) < len(alphabet)-1 {
		mask = mask<<1 | 1
	}
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if i := int(b & mask); i < len(alphabet) {
				out = append(out, alphabet[i])
				if len(out) == n {
					break
				}
			}
		}
	}
	return string(out), nil
}

func onlyFrom(s, alphabet string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

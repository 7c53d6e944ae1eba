package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the AES-256 key length in bytes.
const KeySize = 32

const maxIDLen = 32

// ErrInvalidKeyRing is wrapped by every Parse error, so callers can tell a
// configuration mistake from an I/O failure.
var ErrInvalidKeyRing = errors.New("invalid key ring")

// Parse reads a key ring: entries "ID:BASE64KEY" separated by commas or
// newlines. Blank entries and text from '#' to the end of a line are ignored
// ('#' occurs in neither ids nor standard base64). IDs match
// [A-Za-z0-9_-]{1,32} and are unique; each key is exactly 32 bytes after
// standard base64 decoding. The first entry is the primary.
//
// Errors say which entry (and line) is wrong but never quote the key text, nor
// an id that fails validation, because a malformed entry may be the key itself
// (for example when the "ID:" part was forgotten).
func Parse(text string) (*KeyRing, error) {
	r := &KeyRing{aeads: map[string]cipher.AEAD{}}
	n := 0
	for lineNo, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for entry := range strings.SplitSeq(line, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			n++
			id, aead, err := parseEntry(entry)
			if err != nil {
				return nil, fmt.Errorf("%w: entry %d (line %d): %s", ErrInvalidKeyRing, n, lineNo+1, err)
			}
			if _, dup := r.aeads[id]; dup {
				return nil, fmt.Errorf("%w: entry %d (line %d): duplicate key id %q", ErrInvalidKeyRing, n, lineNo+1, id)
			}
			r.ids = append(r.ids, id)
			r.aeads[id] = aead
		}
	}
	if len(r.ids) == 0 {
		return nil, fmt.Errorf("%w: no keys", ErrInvalidKeyRing)
	}
	return r, nil
}

// parseEntry returns plain reasons; Parse adds the position. Reasons must not
// contain the entry text.
func parseEntry(entry string) (string, cipher.AEAD, error) {
	id, b64, ok := strings.Cut(entry, ":")
	if !ok {
		return "", nil, errors.New(`want "ID:BASE64KEY", found no ':'`)
	}
	id, b64 = strings.TrimSpace(id), strings.TrimSpace(b64)
	if !validID(id) {
		return "", nil, fmt.Errorf("key id must be 1-%d characters of A-Z a-z 0-9 _ -", maxIDLen)
	}
	if b64 == "" {
		return "", nil, fmt.Errorf("key %q is empty", id)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		// base64's own error only reports an offset, but phrase it ourselves
		// so a future change there can never echo input.
		return "", nil, fmt.Errorf("key %q is not valid standard base64", id)
	}
	if len(key) != KeySize {
		return "", nil, fmt.Errorf("key %q is %d bytes after base64 decoding, want %d", id, len(key), KeySize)
	}
	aead, err := newAEAD(key)
	clear(key)
	if err != nil {
		return "", nil, fmt.Errorf("key %q: %w", id, err)
	}
	return id, aead, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	// The random-nonce mode draws a fresh 96-bit nonce per Seal and prepends
	// it, which is exactly the layout our ciphertext format stores.
	return cipher.NewGCMWithRandomNonce(block)
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

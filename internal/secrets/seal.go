package secrets

import (
	"errors"
	"fmt"
)

// Ciphertext layout (version 1):
//
//	0x01 | len(id) (1 byte) | id | nonce (12 bytes) | AES-GCM ciphertext+tag (16 bytes)
//
// The header is self-describing so any key of the ring can be found by id and
// a later format can be told apart by its first byte. The header is also
// authenticated (it is prefixed to the GCM additional data), so flipping the
// version or the id is detected like any other tampering.
const (
	version1  = 0x01
	nonceSize = 12
	tagSize   = 16
)

var (
	// ErrUnknownKey means the ciphertext names a key id that is not in the ring
	// (the key was removed before a rotation finished, or the wrong ring is loaded).
	ErrUnknownKey = errors.New("unknown key id")
	// ErrDecrypt means authentication failed: the data was altered, the key
	// behind the id is a different key, or the additional data does not match
	// (the ciphertext was moved to another row). GCM cannot tell these apart.
	ErrDecrypt = errors.New("decryption failed")
	// ErrMalformed means the bytes are not a ciphertext this package produced.
	ErrMalformed = errors.New("malformed ciphertext")
)

// Seal encrypts plaintext under the primary key. additionalData is not stored
// but must be given again to Open; callers pass the owner of the value (for
// example "channel/<tenant>/<id>") so a ciphertext copied to another row fails
// to open instead of silently lending its credentials.
func (r *KeyRing) Seal(plaintext, additionalData []byte) ([]byte, error) {
	id := r.ids[0]
	header := make([]byte, 0, 2+len(id)+nonceSize+len(plaintext)+tagSize)
	header = append(header, version1, byte(len(id)))
	header = append(header, id...)
	ad := concat(header, additionalData)
	// Seal appends nonce|ciphertext|tag to header, reusing its capacity.
	return r.aeads[id].Seal(header, nil, plaintext, ad), nil
}

// Open decrypts a ciphertext made by Seal with any key of the ring. Errors
// wrap ErrMalformed, ErrUnknownKey or ErrDecrypt.
func (r *KeyRing) Open(ciphertext, additionalData []byte) ([]byte, error) {
	id, headerLen, err := splitHeader(ciphertext)
	if err != nil {
		return nil, err
	}
	aead, ok := r.aeads[id]
	if !ok {
		return nil, fmt.Errorf("open: %w %q", ErrUnknownKey, id)
	}
	ad := concat(ciphertext[:headerLen], additionalData)
	plaintext, err := aead.Open(nil, nil, ciphertext[headerLen:], ad)
	if err != nil {
		// The cipher's error carries no detail worth keeping.
		return nil, fmt.Errorf("open with key %q: %w", id, ErrDecrypt)
	}
	return plaintext, nil
}

// Reseal re-encrypts a ciphertext under the primary key when another key made
// it, for a rotation command that walks every stored secret. It opens the
// ciphertext first, so a value that would not decrypt is reported, never
// rewritten. Already-primary ciphertexts come back unchanged with false.
func (r *KeyRing) Reseal(ciphertext, additionalData []byte) ([]byte, bool, error) {
	id, _, err := splitHeader(ciphertext)
	if err != nil {
		return nil, false, err
	}
	plaintext, err := r.Open(ciphertext, additionalData)
	if err != nil {
		return nil, false, err
	}
	defer clear(plaintext)
	if id == r.ids[0] {
		return ciphertext, false, nil
	}
	out, err := r.Seal(plaintext, additionalData)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// splitHeader returns the key id and the length of the header.
func splitHeader(c []byte) (string, int, error) {
	if len(c) == 0 {
		return "", 0, fmt.Errorf("open: %w: empty", ErrMalformed)
	}
	if c[0] != version1 {
		return "", 0, fmt.Errorf("open: %w: unsupported version 0x%02x", ErrMalformed, c[0])
	}
	if len(c) < 2 {
		return "", 0, fmt.Errorf("open: %w: truncated header", ErrMalformed)
	}
	n := int(c[1])
	if n == 0 || n > maxIDLen {
		return "", 0, fmt.Errorf("open: %w: key id length %d", ErrMalformed, n)
	}
	headerLen := 2 + n
	if len(c) < headerLen+nonceSize+tagSize {
		return "", 0, fmt.Errorf("open: %w: truncated (%d bytes)", ErrMalformed, len(c))
	}
	id := string(c[2:headerLen])
	if !validID(id) {
		return "", 0, fmt.Errorf("open: %w: invalid key id", ErrMalformed)
	}
	return id, headerLen, nil
}

// concat builds header|additionalData. The header is length-prefixed, so the
// boundary between the two is unambiguous. The capacity is clipped so the
// append never writes into the caller's buffer past the header.
func concat(header, additionalData []byte) []byte {
	return append(header[:len(header):len(header)], additionalData...)
}

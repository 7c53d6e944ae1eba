// Package secrets encrypts credentials at rest with AES-256-GCM under a rotatable key ring.
package secrets

import (
	"crypto/cipher"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
)

// EnvKeys is the environment variable that may hold a key ring in the text
// format Parse accepts, for deployments that inject secrets as env vars.
const EnvKeys = "REACH_SECRET_KEYS"

// KeyRing holds named AES-256-GCM keys. The first key (the primary) encrypts;
// every key decrypts, so a new key can be put in front and old ciphertexts
// still open until a rotation has resealed them.
//
// A KeyRing keeps only the expanded ciphers, never the base64 text, and all of
// its formatting methods print key ids only, so logging one by accident (with
// fmt, %#v or slog) leaks nothing.
type KeyRing struct {
	ids   []string // in file order; ids[0] is the primary
	aeads map[string]cipher.AEAD
}

// PrimaryID is the id of the key that Seal uses.
func (r *KeyRing) PrimaryID() string { return r.ids[0] }

// IDs returns every key id, primary first, in the order they were given.
func (r *KeyRing) IDs() []string { return slices.Clone(r.ids) }

// String lists ids only: key bytes must never reach a log line.
func (r *KeyRing) String() string {
	if r == nil {
		return "secrets.KeyRing(nil)"
	}
	return fmt.Sprintf("secrets.KeyRing{primary: %s, ids: [%s]}", r.ids[0], strings.Join(r.ids, " "))
}

// GoString keeps %#v from dumping the struct, and so the ciphers' key schedules.
func (r *KeyRing) GoString() string { return r.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q, %x, …) print the same
// redacted text; without it %x or %+v would walk the struct fields.
func (r *KeyRing) Format(f fmt.State, verb rune) {
	s := r.String()
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}

// MarshalJSON lets a config dump show which keys are loaded, never the keys.
func (r *KeyRing) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Primary string   `json:"primary"`
		IDs     []string `json:"ids"`
	}{r.ids[0], r.ids})
}

// LogValue makes slog print ids only, even with handlers that reflect on values.
func (r *KeyRing) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("nil")
	}
	return slog.GroupValue(
		slog.String("primary", r.ids[0]),
		slog.Any("ids", r.IDs()),
	)
}

// Package stdwebhook signs and verifies webhook payloads the Standard Webhooks way
// (https://www.standardwebhooks.com): headers webhook-id, webhook-timestamp and
// webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>" under a "whsec_" secret,
// so a receiver can check Reach's calls with any Standard Webhooks library.
package stdwebhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The header names of the specification.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every secret; the rest is the base64 of the key bytes.
const SecretPrefix = "whsec_"

// secretBytes is the key length of generated secrets: the specification recommends 24 to
// 64 bytes, and 32 matches HMAC-SHA256's block of output.
const secretBytes = 32

// DefaultTolerance is how far a timestamp may be from the verifier's clock, as in the
// reference libraries: it bounds how long a captured call can be replayed.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns.
var (
	ErrSecret      = errors.New("stdwebhook: malformed secret")
	ErrTimestamp   = errors.New("stdwebhook: timestamp missing, malformed or outside the tolerance")
	ErrNoSignature = errors.New("stdwebhook: no matching signature")
)

// NewSecret returns a fresh random secret, "whsec_" and the base64 of 32 random bytes.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// key decodes a secret into its HMAC key. The prefix is optional, as in the reference
// libraries, so a receiver may paste the key with or without it.
func key(secret string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(b) == 0 {
		return nil, ErrSecret
	}
	return b, nil
}

// Sign returns the signature "v1,<base64>" of one message under one secret.
func Sign(secret, msgID string, timestamp time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(k, msgID, timestamp.Unix(), body)), nil
}

// SignatureHeader is the webhook-signature value under every given secret, space-separated:
// during a rotation a message is signed with the new and the previous secret, so receivers
// that still hold the old one keep verifying.
func SignatureHeader(secrets []string, msgID string, timestamp time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		sig, err := Sign(s, msgID, timestamp, body)
		if err != nil {
			return "", err
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}

// Verify checks a received message: the timestamp header must be within tolerance of now,
// and one of the signatures in the header must be the v1 signature under secret.
func Verify(secret, msgID, timestampHeader, signatureHeader string, body []byte, now time.Time, tolerance time.Duration) error {
	k, err := key(secret)
	if err != nil {
		return err
	}
	sec, err := strconv.ParseInt(timestampHeader, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrTimestamp
	}
	want := mac(k, msgID, sec, body)
	for sig := range strings.FieldsSeq(signatureHeader) {
		version, value, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue // other schemes (v1a, …) are not ours to check
		}
		got, err := base64.StdEncoding.DecodeString(value)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrNoSignature
}

// mac is HMAC-SHA256 over "id.timestamp.body", the content the specification signs.
func mac(k []byte, msgID string, unix int64, body []byte) []byte {
	h := hmac.New(sha256.New, k)
	h.Write([]byte(msgID + "." + strconv.FormatInt(unix, 10) + "."))
	h.Write(body)
	return h.Sum(nil)
}

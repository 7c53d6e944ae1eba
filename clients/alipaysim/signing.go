package alipaysim

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sync"

	rsasign "github.com/reachhq/reach/clients/signer"
)

// sigCacheSize bounds each signer's cache. Gateway answers repeat ("code":"10000" with no
// business fields is every successful send), so a small cache removes nearly all RSA
// signing — the most expensive step — from a benchmark's hot path.
const sigCacheSize = 4096

// signer signs with one key and remembers recent signatures by content hash. The cache is
// two generations: when the current map is full it becomes the old one, so memory stays
// bounded without per-entry bookkeeping.
type signer struct {
	key rsasign.Signer // Reach's own signer: the simulator signs as fast as Reach does

	mu       sync.Mutex
	cur, old map[[32]byte]string
}

func newSigner(key *rsa.PrivateKey) *signer {
	return &signer{key: rsasign.NewRSA(key), cur: make(map[[32]byte]string)}
}

// sign returns standard base64 of SHA256withRSA over content (§1.4 step 5–6, §4.2).
func (s *signer) sign(content []byte) string {
	h := sha256.Sum256(content)
	s.mu.Lock()
	sig, ok := s.cur[h]
	if !ok {
		if sig, ok = s.old[h]; ok {
			s.cur[h] = sig
		}
	}
	s.mu.Unlock()
	if ok {
		return sig
	}
	raw, err := s.key.Sign(context.Background(), content)
	if err != nil {
		panic(err) // a valid 2048-bit key cannot fail to sign a SHA-256 digest
	}
	sig = base64.StdEncoding.EncodeToString(raw)
	s.mu.Lock()
	if len(s.cur) >= sigCacheSize/2 {
		s.old, s.cur = s.cur, make(map[[32]byte]string, sigCacheSize/2)
	}
	s.cur[h] = sig
	s.mu.Unlock()
	return sig
}

// verify checks a base64 SHA256withRSA signature over content.
func verify(pub *rsa.PublicKey, content []byte, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	h := sha256.Sum256(content)
	return rsasign.VerifyDigest(pub, h[:], raw) == nil
}

// aesBlock parses a base64 AES key of 16, 24 or 32 bytes (§1.8).
func aesBlock(key string) (cipher.Block, error) {
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		return nil, errors.New("encrypt_key is not base64")
	}
	b, err := aes.NewCipher(raw)
	if err != nil {
		return nil, errors.New("encrypt_key must decode to 16, 24 or 32 bytes")
	}
	return b, nil
}

// zeroIV is the all-zero IV Alipay's AES-CBC uses (§1.8).
var zeroIV = make([]byte, aes.BlockSize)

// aesEncrypt is AES-CBC, zero IV, PKCS#7 padding, base64 (§1.8).
func aesEncrypt(b cipher.Block, plain []byte) string {
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(append([]byte(nil), plain...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(b, zeroIV).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf)
}

// aesDecrypt reverses aesEncrypt.
func aesDecrypt(b cipher.Block, text string) ([]byte, error) {
	buf, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, errors.New("ciphertext is not base64")
	}
	if len(buf) == 0 || len(buf)%aes.BlockSize != 0 {
		return nil, errors.New("ciphertext is not a whole number of AES blocks")
	}
	cipher.NewCBCDecrypter(b, zeroIV).CryptBlocks(buf, buf)
	pad := int(buf[len(buf)-1])
	if pad == 0 || pad > aes.BlockSize || !bytes.Equal(buf[len(buf)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, errors.New("bad PKCS#7 padding (wrong key?)")
	}
	return buf[:len(buf)-pad], nil
}

// randomHex returns n random bytes as lowercase hex, for ids like template_id (32 hex in
// the claim example of seeds/003).
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	const digits = "0123456789abcdef"
	out := make([]byte, 2*n)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

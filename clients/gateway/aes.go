package gateway

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// AES content encryption (§1.8): AES-CBC with a zero IV and PKCS#7 padding,
// base64 (standard, padded). The zero IV is Alipay's choice, not ours; it
// leaks equal leading blocks, which is why responses are still signed.

// ParseEncryptKey decodes the AES key shown in the console (base64).
func ParseEncryptKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("parse encrypt key: not base64: %w", err)
	}
	switch len(key) {
	case 16, 24, 32:
		return key, nil
	}
	return nil, fmt.Errorf("parse encrypt key: %d bytes, want 16, 24 or 32", len(key))
}

func encrypt(key, plain []byte) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// decrypt is only ever given content whose signature has been verified, so
// its error detail cannot serve as a padding oracle.
func decrypt(key []byte, b64 string) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	buf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("ciphertext is not base64: %w", err)
	}
	if len(buf) == 0 || len(buf)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("ciphertext is %d bytes, not a positive multiple of %d", len(buf), aes.BlockSize)
	}
	cipher.NewCBCDecrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(buf, buf)
	pad := int(buf[len(buf)-1])
	if pad == 0 || pad > aes.BlockSize || !bytes.Equal(buf[len(buf)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, errors.New("bad PKCS#7 padding (wrong EncryptKey?)")
	}
	return buf[:len(buf)-pad], nil
}

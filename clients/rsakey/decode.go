package rsakey

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
)

// maxInput bounds pasted text. A 4096-bit PEM key is about 3.3 KiB and a
// root bundle a few KiB; the cap keeps a hostile paste from costing parse time.
const maxInput = 64 << 10

// block is one DER object and the PEM type it came with ("" for bare base64).
type block struct {
	typ     string
	der     []byte
	headers map[string]string
}

// normalize undoes what copying through JSON, YAML and chat does to a key:
// a BOM, literal "\n" escapes, CRLF and surrounding quotes.
func normalize(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	s = strings.Trim(s, "\"'`")
	s = strings.NewReplacer(`\r\n`, "\n", `\n`, "\n", `\r`, "\n", "\r\n", "\n", "\r", "\n").Replace(s)
	return strings.TrimSpace(s)
}

// loosePEM matches a PEM block whose line breaks were turned into spaces or
// lost, which encoding/pem rejects.
var loosePEM = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----`)

// decodeBlocks returns every PEM block in s, or, if s has no PEM armour, the
// single DER object its base64 encodes.
func decodeBlocks(s string) ([]block, error) {
	if len(s) > maxInput {
		return nil, fmt.Errorf("%w: larger than 64 KiB", ErrMalformed)
	}
	s = normalize(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrMalformed)
	}
	if !strings.Contains(s, "-----BEGIN") {
		der, err := decodeBase64(s)
		if err != nil {
			return nil, fmt.Errorf("%w: neither PEM nor base64", ErrMalformed)
		}
		return []block{{der: der}}, nil
	}
	var out []block
	rest := []byte(s)
	for {
		p, r := pem.Decode(rest)
		if p == nil {
			break
		}
		out = append(out, block{typ: p.Type, der: p.Bytes, headers: p.Headers})
		rest = r
	}
	if len(out) > 0 {
		return out, nil
	}
	// encoding/pem wants the armour on lines of their own; accept a block
	// flattened onto one line as well.
	for i, m := range loosePEM.FindAllStringSubmatch(s, -1) {
		if m[1] != m[3] {
			return nil, fmt.Errorf("%w: PEM block %d begins with %q but ends with %q", ErrMalformed, i+1, m[1], m[3])
		}
		body := m[2]
		if strings.Contains(body, ":") { // RFC 1421 headers, i.e. an encrypted PKCS#1 key
			return nil, fmt.Errorf("%w: PEM block %d has headers but no line breaks", ErrMalformed, i+1)
		}
		der, err := decodeBase64(body)
		if err != nil {
			return nil, fmt.Errorf("%w: PEM block %d (%s) has invalid base64", ErrMalformed, i+1, m[1])
		}
		out = append(out, block{typ: m[1], der: der})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: PEM armour without a complete block", ErrMalformed)
	}
	return out, nil
}

// decodeBase64 accepts standard base64 with or without padding and with any
// whitespace inside.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return nil, fmt.Errorf("empty")
	}
	if der, err := base64.StdEncoding.DecodeString(s); err == nil {
		return der, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// encrypted reports a password-protected PEM block: PKCS#8
// "ENCRYPTED PRIVATE KEY" or a PKCS#1 block with a DEK-Info header.
func (b block) encrypted() bool {
	if b.typ == "ENCRYPTED PRIVATE KEY" {
		return true
	}
	_, ok := b.headers["DEK-Info"]
	return ok || strings.Contains(b.headers["Proc-Type"], "ENCRYPTED")
}

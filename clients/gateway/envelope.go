package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errorResponseKey holds gateway-level failures (§1.5).
const errorResponseKey = "error_response"

// responseKey is "<method with . replaced by _>_response" (§1.5).
func responseKey(method string) string {
	return strings.ReplaceAll(method, ".", "_") + "_response"
}

// envelope is the top level of a response body.
type envelope struct {
	isError bool
	// value is the response value exactly as received, a sub-slice of the
	// body: what Alipay signed (§1.6).
	value  []byte
	sign   string // "" when absent
	certSN string // alipay_cert_sn, "" when absent
}

// errDuplicateKey marks a top-level key that occurs twice.
var errDuplicateKey = errors.New("duplicate top-level key")

// parseEnvelope walks the top-level object token by token and takes the
// value of the response key by its byte offsets in body, never by
// re-encoding: one space of difference breaks the signature (§1.6, EZ
// SignContentExtractor). It refuses a key that occurs twice, EZ's defence
// against a forged second response node that a lenient parser might read
// instead of the signed one, and anything after the object.
func parseEnvelope(body []byte, method string) (*envelope, error) {
	want := responseKey(method)
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformedResponse)
	}
	env := &envelope{}
	seen := map[string]bool{}
	found := ""
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformedResponse, err)
		}
		key, _ := t.(string) // the decoder only yields strings in key position
		if seen[key] {
			return nil, fmt.Errorf("%w %q", errDuplicateKey, key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformedResponse, err)
		}
		end := dec.InputOffset()
		start := end - int64(len(raw))
		if start < 0 || end > int64(len(body)) || !bytes.Equal(body[start:end], raw) {
			return nil, fmt.Errorf("%w: cannot locate the value of %q", ErrMalformedResponse, key)
		}
		switch key {
		case want, errorResponseKey:
			if found != "" {
				return nil, fmt.Errorf("%w: both %q and %q", ErrMalformedResponse, found, key)
			}
			found = key
			env.value = body[start:end:end]
			env.isError = key == errorResponseKey
		case "sign":
			if err := json.Unmarshal(raw, &env.sign); err != nil {
				return nil, fmt.Errorf("%w: sign is not a string", ErrMalformedResponse)
			}
		case "alipay_cert_sn":
			if err := json.Unmarshal(raw, &env.certSN); err != nil {
				return nil, fmt.Errorf("%w: alipay_cert_sn is not a string", ErrMalformedResponse)
			}
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, fmt.Errorf("%w: unterminated object", ErrMalformedResponse)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the response object", ErrMalformedResponse)
	}
	if found == "" {
		return nil, fmt.Errorf("%w: neither %q nor %q in the body", ErrMalformedResponse, want, errorResponseKey)
	}
	return env, nil
}

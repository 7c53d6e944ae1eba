package gateway

import (
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
	"golang.org/x/text/encoding"
)

// VerifyNotification checks a standard asynchronous notification (§3.1):
// every parameter but sign and sign_type, empty values dropped, sorted,
// joined as k=v with &, in the declared charset, RSA2 with Alipay's key.
// Whether alipay_cert_sn is signed is open (question 4), so if the first
// check fails and the parameter is present, the string without it is tried.
func VerifyNotification(params url.Values, pub *rsa.PublicKey) error {
	drops := []map[string]bool{{"sign": true, "sign_type": true}}
	if params.Get("alipay_cert_sn") != "" {
		drops = append(drops, map[string]bool{"sign": true, "sign_type": true, "alipay_cert_sn": true})
	}
	return verifyParams(params, pub, drops)
}

// VerifyLifeAccountNotification checks a push to the life account gateway
// (alipay.service.check, alipay.mobile.public.message.notify): only sign is
// dropped, sign_type IS signed (§3.2, FWC §9.3, rsaCheckV2).
func VerifyLifeAccountNotification(params url.Values, pub *rsa.PublicKey) error {
	return verifyParams(params, pub, []map[string]bool{{"sign": true}})
}

func verifyParams(params url.Values, pub *rsa.PublicKey, drops []map[string]bool) error {
	if pub == nil {
		return errors.New("verify notification: no Alipay public key")
	}
	for k, v := range params {
		if len(v) > 1 {
			// The signed string and the value the application reads
			// (Get: the first) could differ.
			return fmt.Errorf("verify notification: %w: parameter %q occurs %d times", ErrBadSignature, k, len(v))
		}
	}
	if st := params.Get("sign_type"); st != "" && !strings.EqualFold(st, "RSA2") {
		return fmt.Errorf("verify notification: %w %q: only RSA2 is supported", ErrUnsupportedSignType, st)
	}
	// A form decoded as a query turns the + of base64 into spaces.
	sig, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(params.Get("sign"), " ", "+"))
	if err != nil || len(sig) == 0 {
		return fmt.Errorf("verify notification: %w: missing or malformed sign", ErrBadSignature)
	}
	enc, err := charsetEncoding(params.Get("charset"))
	if err != nil {
		return fmt.Errorf("verify notification: %w", err)
	}
	for _, drop := range drops {
		raw := signContent(params, drop)
		if signer.Verify(pub, []byte(raw), sig) == nil {
			return nil
		}
		if enc == nil {
			continue
		}
		if encoded, ok := encodeParams(params, enc); ok {
			if content := signContent(encoded, drop); content != raw && signer.Verify(pub, []byte(content), sig) == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("verify notification: %w: not signed by the configured Alipay public key (%s)", ErrBadSignature, rsakey.Fingerprint(pub))
}

// encodeParams returns params with every value in the declared charset.
func encodeParams(params url.Values, enc encoding.Encoding) (url.Values, bool) {
	out := make(url.Values, len(params))
	for k, v := range params {
		if len(v) == 0 {
			continue
		}
		e, ok := inCharset(enc, v[0])
		if !ok {
			return nil, false
		}
		out[k] = []string{e}
	}
	return out, true
}

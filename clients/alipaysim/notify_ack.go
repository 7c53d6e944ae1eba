package alipaysim

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AckCheck is what the simulator found in a Life Account reply (§3.2):
// <alipay><response>RESP</response><sign>SIG</sign><sign_type>RSA2</sign_type></alipay>,
// SIG being the merchant's signature over RESP exactly.
type AckCheck struct {
	Envelope       bool   `json:"envelope"`        // the <alipay> envelope is there
	SignatureValid bool   `json:"signature_valid"` // SIG verifies with the app public key
	Success        bool   `json:"success"`         // RESP holds <success>true</success>
	PublicKeyMatch bool   `json:"public_key_match"`
	Response       string `json:"response,omitempty"` // RESP
}

var notifyClient = &http.Client{Timeout: 15 * time.Second}

// post sends the form and judges the answer.
func (s *Server) post(ctx context.Context, a *app, n Notification, params map[string]string) (*NotifyResult, error) {
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, errInvalid(err.Error())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	resp, err := notifyClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	res := &NotifyResult{Params: params, Status: resp.StatusCode, Body: string(body)}
	if n.Kind == NotifyMessage {
		// Exactly the 7 bytes "success" (§3.1); anything else makes Alipay retry.
		res.Acknowledged = resp.StatusCode == http.StatusOK && string(body) == "success"
		return res, nil
	}
	res.Ack = checkAck(a, string(body))
	res.Acknowledged = resp.StatusCode == http.StatusOK && res.Ack.SignatureValid &&
		(n.Kind != NotifyVerifyGateway || res.Ack.Success)
	return res, nil
}

// checkAck parses the reply envelope by substring, not XML decoding: the signature is over
// the raw text between <response> and </response>.
func checkAck(a *app, body string) *AckCheck {
	c := &AckCheck{}
	resp, ok := between(body, "<response>", "</response>")
	if !ok || !strings.Contains(body, "<alipay>") {
		return c
	}
	c.Envelope, c.Response = true, resp
	sig, _ := between(body, "<sign>", "</sign>")
	signType, _ := between(body, "<sign_type>", "</sign_type>")
	c.SignatureValid = strings.TrimSpace(signType) == "RSA2" && verify(a.pub, []byte(resp), strings.TrimSpace(sig))
	c.Success = strings.Contains(resp, "<success>true</success>")
	if key, ok := between(resp, "<biz_content>", "</biz_content>"); ok {
		der, err := x509.MarshalPKIXPublicKey(a.pub)
		c.PublicKeyMatch = err == nil && strings.Join(strings.Fields(key), "") == base64.StdEncoding.EncodeToString(der)
	}
	return c
}

func between(s, open, closing string) (string, bool) {
	i := strings.Index(s, open)
	if i < 0 {
		return "", false
	}
	rest := s[i+len(open):]
	j := strings.Index(rest, closing)
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

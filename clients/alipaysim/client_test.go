package alipaysim

// An independent, minimal Open Platform client written straight from §1.4 (signing) and
// §1.6 (verification) with the standard library only: it shares no code with the
// simulator, so a bug in one is not mirrored in the other.

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

type gwClient struct {
	t      testing.TB
	url    string
	appID  string
	key    *rsa.PrivateKey
	verify *rsa.PublicKey // Alipay public key (public-key mode) or from the Alipay cert
	// Certificate mode: the SNs to send.
	appCertSN, rootCertSN string
	aesKey                []byte // encrypt requests when set
	// placement: "form" (everything in the body, SW/GP), "query" (everything but
	// biz_content in the query string, PY/EZ).
	placement string
	// extra params, sent and signed (or, for keys in unsigned, sent but not signed).
	extra, unsigned map[string]string
	rawQuery        string // appended to the URL as is (gopay's ?charset=utf-8)
	now             time.Time
}

type gwAnswer struct {
	status  int
	body    string
	key     string          // the *_response key found
	content json.RawMessage // its raw value
	sign    string
	certSN  string
	fields  map[string]any // decoded content (decrypted when encrypted)
}

func (a *gwAnswer) code() string    { s, _ := a.fields["code"].(string); return s }
func (a *gwAnswer) subCode() string { s, _ := a.fields["sub_code"].(string); return s }
func (a *gwAnswer) str(k string) string {
	s, _ := a.fields[k].(string)
	return s
}

func (c *gwClient) params(method string, biz any) map[string]string {
	ts := c.now
	if ts.IsZero() {
		ts = time.Now()
	}
	p := map[string]string{"app_id": c.appID, "method": method, "format": "JSON", "charset": "utf-8",
		"sign_type": "RSA2", "timestamp": ts.In(time.FixedZone("Beijing", 8*3600)).Format("2006-01-02 15:04:05"), "version": "1.0"}
	if biz != nil {
		b, ok := biz.(string)
		if !ok {
			raw, _ := json.Marshal(biz)
			b = string(raw)
		}
		if c.aesKey != nil {
			b = testEncrypt(c.aesKey, []byte(b))
			p["encrypt_type"] = "AES"
		}
		p["biz_content"] = b
	}
	if c.appCertSN != "" {
		p["app_cert_sn"], p["alipay_root_cert_sn"] = c.appCertSN, c.rootCertSN
	}
	for k, v := range c.extra {
		p[k] = v
	}
	return p
}

// testSign is §1.4: all params but sign, non-empty, sorted, k=v&…, SHA256withRSA, base64.
func testSign(key *rsa.PrivateKey, p map[string]string) string {
	var keys []string
	for k, v := range p {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+p[k])
	}
	return signText(key, strings.Join(parts, "&"))
}

// signText is base64 SHA256withRSA over s.
func signText(key *rsa.PrivateKey, s string) string {
	h := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:])
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func (c *gwClient) call(method string, biz any) *gwAnswer {
	c.t.Helper()
	p := c.params(method, biz)
	p["sign"] = testSign(c.key, p)
	for k, v := range c.unsigned {
		p[k] = v
	}
	return c.send(p)
}

func (c *gwClient) send(p map[string]string) *gwAnswer {
	c.t.Helper()
	query, form := url.Values{}, url.Values{}
	for k, v := range p {
		if c.placement == "query" && k != "biz_content" {
			query.Set(k, v)
		} else {
			form.Set(k, v)
		}
	}
	u := c.url + "/gateway.do"
	if len(query) > 0 {
		u += "?" + query.Encode()
	} else if c.rawQuery != "" {
		u += "?" + c.rawQuery
	}
	resp, err := http.Post(u, "application/x-www-form-urlencoded;charset=utf-8", strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatalf("POST gateway.do: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return c.parse(p["method"], resp.StatusCode, body)
}

// parse is §1.6: take the raw value text of the response key, verify the signature over
// exactly those bytes, then decrypt a quoted (AES) value.
func (c *gwClient) parse(method string, status int, body []byte) *gwAnswer {
	c.t.Helper()
	a := &gwAnswer{status: status, body: string(body), fields: map[string]any{}}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return a
	}
	a.key = strings.ReplaceAll(method, ".", "_") + "_response"
	if _, ok := top[a.key]; !ok {
		a.key = "error_response"
	}
	a.content = top[a.key]
	_ = json.Unmarshal(top["sign"], &a.sign)
	_ = json.Unmarshal(top["alipay_cert_sn"], &a.certSN)
	if a.sign != "" && !testVerify(c.verify, a.content, a.sign) {
		c.t.Fatalf("answer signature does not verify over %s", a.content)
	}
	plain := []byte(a.content)
	if len(plain) > 0 && plain[0] == '"' {
		var ct string
		_ = json.Unmarshal(plain, &ct)
		plain = testDecrypt(c.t, c.aesKey, ct)
	}
	if err := json.Unmarshal(plain, &a.fields); err != nil {
		c.t.Fatalf("answer content %s: %v", plain, err)
	}
	return a
}

func testVerify(pub *rsa.PublicKey, content []byte, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	h := sha256.Sum256(content)
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], raw) == nil
}

func testEncrypt(key, plain []byte) string {
	b, _ := aes.NewCipher(key)
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(append([]byte{}, plain...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(b, make([]byte, 16)).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf)
}

func testDecrypt(t testing.TB, key []byte, text string) []byte {
	t.Helper()
	buf, err := base64.StdEncoding.DecodeString(text)
	if err != nil || key == nil || len(buf)%16 != 0 {
		t.Fatalf("cannot decrypt %q", text)
	}
	b, _ := aes.NewCipher(key)
	cipher.NewCBCDecrypter(b, make([]byte, 16)).CryptBlocks(buf, buf)
	return buf[:len(buf)-int(buf[len(buf)-1])]
}

func parsePub(t testing.TB, pemText string) *rsa.PublicKey {
	t.Helper()
	b, _ := pem.Decode([]byte(pemText))
	if b == nil {
		t.Fatalf("no PEM in %q", pemText)
	}
	if b.Type == "CERTIFICATE" {
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return c.PublicKey.(*rsa.PublicKey)
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PublicKey)
}

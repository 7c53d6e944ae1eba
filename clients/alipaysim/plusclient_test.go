package alipaysim

// An independent Alipay+ client from §4.2 (signing) and §4.3 (verifying answers), and an
// independent certificate SN computation from §1.7, sharing no code with the simulator.

import (
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

type plusClient struct {
	t        testing.TB
	url      string
	clientID string
	key      *rsa.PrivateKey
	platform *rsa.PublicKey
	epoch    bool // send Request-Time as epoch millis instead of ISO-8601
	// noEscape sends the base64 signature without URL-encoding it.
	noEscape bool
}

type plusAnswer struct {
	status int
	body   map[string]any
	raw    string
}

func (a *plusAnswer) result() (status, code string) {
	r, _ := a.body["result"].(map[string]any)
	status, _ = r["resultStatus"].(string)
	code, _ = r["resultCode"].(string)
	return status, code
}

func (a *plusAnswer) str(k string) string { s, _ := a.body[k].(string); return s }

func (c *plusClient) call(path string, body any) *plusAnswer {
	c.t.Helper()
	raw, _ := json.Marshal(body)
	reqTime := time.Now().Format("2006-01-02T15:04:05.000-07:00")
	if c.epoch {
		reqTime = strconv.FormatInt(time.Now().UnixMilli(), 10)
	}
	content := "POST " + path + "\n" + c.clientID + "." + reqTime + "." + string(raw)
	h := sha256.Sum256([]byte(content))
	sig, _ := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, h[:])
	sigText := base64.StdEncoding.EncodeToString(sig)
	if !c.noEscape {
		sigText = url.QueryEscape(sigText)
	}
	req, _ := http.NewRequest(http.MethodPost, c.url+path, strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Client-Id", c.clientID)
	req.Header.Set("Request-Time", reqTime)
	req.Header.Set("Signature", "algorithm=RSA256, keyVersion=1, signature="+sigText)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(resp.Body)
	c.verifyAnswer(path, resp.Header, respBody)
	a := &plusAnswer{status: resp.StatusCode, raw: string(respBody)}
	if err := json.Unmarshal(respBody, &a.body); err != nil {
		c.t.Fatalf("answer %s: %v", respBody, err)
	}
	return a
}

// verifyAnswer is §4.3: "POST <uri>\n<Client-Id>.<Response-Time>.<body>" with the
// platform key, the signature taken after "signature=" and URL-decoded.
func (c *plusClient) verifyAnswer(path string, h http.Header, body []byte) {
	c.t.Helper()
	sigHeader := h.Get("Signature")
	i := strings.Index(sigHeader, "signature=")
	if i < 0 {
		c.t.Fatalf("answer has no signature: %q", sigHeader)
	}
	sig, err := url.QueryUnescape(sigHeader[i+len("signature="):])
	if err != nil {
		c.t.Fatal(err)
	}
	content := "POST " + path + "\n" + h.Get("Client-Id") + "." + h.Get("Response-Time") + "." + string(body)
	if !testVerify(c.platform, []byte(content), sig) {
		c.t.Fatalf("answer signature does not verify over %q", content)
	}
}

// testCertSN is the smartwalle/gopay way (§1.7): md5(Issuer.String() + decimal serial).
// It agrees with the Java SDK's RFC 2253 form for the simulator's C, O, OU, CN names.
func testCertSN(c *x509.Certificate) string {
	sum := md5.Sum([]byte(c.Issuer.String() + c.SerialNumber.String()))
	return hex.EncodeToString(sum[:])
}

func testCerts(t testing.TB, text string) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return out
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
}

// testRootSN joins the SNs of the RSA-signed roots with "_" (§1.7).
func testRootSN(t testing.TB, bundle string) string {
	var sns []string
	for _, c := range testCerts(t, bundle) {
		switch c.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA, x509.SHA256WithRSAPSS:
			sns = append(sns, testCertSN(c))
		}
	}
	return strings.Join(sns, "_")
}

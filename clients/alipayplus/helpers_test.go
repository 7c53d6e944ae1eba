package alipayplus

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
)

// A clients/signer.Signer must be usable as this package's Signer.
var _ Signer = signer.Signer(nil)

// The fixed values clients/alipayplus/testdata/gen.sh signed with openssl.
const (
	vectorClientID     = "SANDBOX_5Y3A2N2YEB3002022"
	vectorURI          = "/api/open/v2/miniprogram/message/send"
	vectorTimeISO      = "2019-04-04T12:08:56.253+05:30"
	vectorTimeEpoch    = "1554359936253"
	vectorResponseTime = "2019-04-04T12:08:57.001+05:30"
)

// vectorNow is the instant of vectorTimeISO.
var vectorNow = time.Date(2019, 4, 4, 12, 8, 56, 253e6, time.FixedZone("", 5*3600+1800))

// keySigner is the simplest Signer: an in-memory key, as clients/signer provides.
type keySigner struct{ key *rsa.PrivateKey }

func (s keySigner) Sign(_ context.Context, content []byte) ([]byte, error) {
	sum := sha256.Sum256(content)
	return rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
}

func (s keySigner) Public() *rsa.PublicKey { return &s.key.PublicKey }

type testKeys struct {
	merchant, platform *rsa.PrivateKey
	// platformPub is read from platform_pub.pem, the form the platform hands merchants.
	platformPub *rsa.PublicKey
}

var loadKeys = sync.OnceValues(func() (testKeys, error) {
	var k testKeys
	var err error
	if k.merchant, err = readPrivate("merchant.pem"); err != nil {
		return k, err
	}
	if k.platform, err = readPrivate("platform.pem"); err != nil {
		return k, err
	}
	b, err := os.ReadFile(filepath.Join("testdata", "platform_pub.pem"))
	if err != nil {
		return k, err
	}
	if k.platformPub, err = rsakey.ParsePublicKey(string(b)); err == nil && !k.platformPub.Equal(&k.platform.PublicKey) {
		err = errors.New("platform_pub.pem is not the public half of platform.pem; rerun gen.sh")
	}
	return k, err
})

func readPrivate(name string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return nil, err
	}
	return rsakey.ParsePrivateKey(string(b))
}

func keys(t testing.TB) testKeys {
	t.Helper()
	k, err := loadKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signWith is an independent implementation of §4.2 for the tests' platform side.
func signWith(t testing.TB, key *rsa.PrivateKey, content string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

// received is one request the fake platform got.
type received struct {
	uri    string
	header http.Header
	body   string
	err    error // from verifying the merchant's signature
}

// platform is a minimal Alipay+ platform: it verifies the merchant's signature and answers with
// a body signed by the platform key. Fields adjust the answer for negative tests.
type platform struct {
	t    testing.TB
	keys testKeys
	srv  *httptest.Server

	mu  sync.Mutex
	got []received

	status       int    // 200 when 0
	body         string // the answer; an S result when empty
	responseTime string // vectorResponseTime when empty
	signature    string // when set, sent instead of the computed value
	signKey      *rsa.PrivateKey
	rawBase64    bool // send the signature as plain base64, not URL-encoded
	// after runs once the answer is signed, to tamper with headers or body.
	after func(h http.Header, body string) string
}

func newPlatform(t testing.TB) *platform {
	p := &platform{t: t, keys: keys(t)}
	p.signKey = p.keys.platform
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *platform) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.got = append(p.got, received{uri: r.RequestURI, header: r.Header.Clone(), body: string(b),
		err: VerifyNotification(r, b, &p.keys.merchant.PublicKey)})
	p.mu.Unlock()

	body := p.body
	if body == "" {
		body = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"messageId":"m-1"}`
	}
	respTime := p.responseTime
	if respTime == "" {
		respTime = vectorResponseTime
	}
	clientID := r.Header.Get("Client-Id")
	sig := p.signature
	if sig == "" {
		sig = signWith(p.t, p.signKey, "POST "+r.RequestURI+"\n"+clientID+"."+respTime+"."+body)
	}
	if p.rawBase64 {
		sig, _ = url.QueryUnescape(sig)
	}
	// Lower-case names as some gateways send them; Go's server writes them as given.
	h := w.Header()
	h["client-id"] = []string{clientID}
	h["response-time"] = []string{respTime}
	h["signature"] = []string{"algorithm=RSA256, keyVersion=1, signature=" + sig}
	h.Set("Content-Type", "application/json")
	if p.after != nil {
		body = p.after(h, body)
	}
	if p.status != 0 {
		w.WriteHeader(p.status)
	}
	io.WriteString(w, body)
}

func (p *platform) last() received {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.got) == 0 {
		p.t.Fatal("platform received nothing")
	}
	return p.got[len(p.got)-1]
}

func (p *platform) calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.got)
}

// client returns a Client for p with the vector's client id and clock; edit adjusts Config.
func (p *platform) client(edit func(*Config)) *Client {
	p.t.Helper()
	cfg := Config{
		BaseURL:           p.srv.URL + "/api/open",
		ClientID:          vectorClientID,
		Signer:            keySigner{p.keys.merchant},
		PlatformPublicKey: p.keys.platformPub,
		Now:               func() time.Time { return vectorNow },
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// vectorRequest is the request whose JSON is testdata/request.json.
func vectorRequest() *SendMessageRequest {
	return &SendMessageRequest{
		AppID:             "P0000000000000012345",
		AccessToken:       "20191127190741010007000000777712345",
		CustomerBelongsTo: "ALIPAY_CN",
		RequestID:         "20191127190741010007013213123456",
		TemplateCode:      "2021093058000000012345",
		Templates: []ContentTemplate{{
			TemplateParameters: map[string]string{
				"orderNo":     "123456",
				"storeName":   "Yummy Chicken Rice",
				"miniBodyUrl": "pages%2Findex%2Findex&query=storeId%3D8888",
			},
			Language: "zh-CN",
		}},
	}
}

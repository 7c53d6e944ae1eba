package gateway

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/reachhq/reach/clients/signer"
)

// fakeAlipay is the smallest gateway.do that lets the client be tested over
// HTTP: it checks the request signature with the app key, answers with a
// signed response and serves alipay.open.app.alipaycert.download. The full
// simulator lives elsewhere.
type fakeAlipay struct {
	t      testing.TB
	srv    *httptest.Server
	appPub *rsa.PublicKey
	// signKey signs responses; certSN, if set, is sent as alipay_cert_sn.
	signKey    *rsa.PrivateKey
	certSN     string
	encryptKey []byte
	// answer returns the business object for a method (default: success).
	answer func(method string, biz []byte) string
	// raw, if set and non-nil for a method, is the whole body sent back.
	raw func(method string) []byte
	// certs are served by alipay.open.app.alipaycert.download, by SN.
	certs map[string]string

	mu        sync.Mutex
	requests  []url.Values
	headers   []http.Header
	downloads int
}

func newFakeAlipay(t testing.TB) *fakeAlipay {
	k := keys(t)
	f := &fakeAlipay{t: t, appPub: &k.app.PublicKey, signKey: k.alipay, certs: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAlipay) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, r.PostForm)
	f.headers = append(f.headers, r.Header.Clone())
	f.mu.Unlock()
	method := r.PostForm.Get("method")
	if f.raw != nil {
		if body := f.raw(method); body != nil {
			_, _ = w.Write(body)
			return
		}
	}
	sig, _ := base64.StdEncoding.DecodeString(r.PostForm.Get("sign"))
	if signer.Verify(f.appPub, []byte(SignContent(r.PostForm)), sig) != nil {
		f.reply(w, "error_response", `{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}`, false)
		return
	}
	biz := []byte(r.PostForm.Get("biz_content"))
	encrypted := r.PostForm.Get("encrypt_type") == "AES"
	if encrypted {
		plain, err := decrypt(f.encryptKey, string(biz))
		if err != nil {
			f.reply(w, "error_response", `{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.decryption-error"}`, false)
			return
		}
		biz = plain
	}
	value := `{"code":"10000","msg":"Success"}`
	switch {
	case method == certDownloadMethod:
		f.mu.Lock()
		f.downloads++
		f.mu.Unlock()
		var req struct {
			SN string `json:"alipay_cert_sn"`
		}
		_ = json.Unmarshal(biz, &req)
		if pem, ok := f.certs[req.SN]; ok {
			value = `{"code":"10000","msg":"Success","alipay_cert_content":"` + base64.StdEncoding.EncodeToString([]byte(pem)) + `"}`
		} else {
			value = `{"code":"40004","msg":"Business Failed","sub_code":"CERT_NOT_EXIST","sub_msg":"证书不存在"}`
		}
	case f.answer != nil:
		value = f.answer(method, biz)
	}
	f.reply(w, responseKey(method), value, encrypted)
}

// reply writes {"<key>":value[,"alipay_cert_sn":…],"sign":…}.
func (f *fakeAlipay) reply(w http.ResponseWriter, key, value string, encrypted bool) {
	if encrypted {
		ct, err := encrypt(f.encryptKey, []byte(value))
		if err != nil {
			f.t.Error(err)
		}
		value = `"` + ct + `"`
	}
	_, _ = w.Write(signedBody(f.t, f.signKey, key, value, f.certSN))
}

// signedBody is a response body with value signed by key, as Alipay builds it.
func signedBody(tb testing.TB, key *rsa.PrivateKey, responseKey, value, certSN string) []byte {
	sig, err := signer.NewRSA(key).Sign(context.Background(), []byte(value))
	if err != nil {
		tb.Fatal(err)
	}
	body := `{"` + responseKey + `":` + value
	if certSN != "" {
		body += `,"alipay_cert_sn":"` + certSN + `"`
	}
	return []byte(body + `,"sign":"` + base64.StdEncoding.EncodeToString(sig) + `"}`)
}

func (f *fakeAlipay) lastRequest() (url.Values, http.Header) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		f.t.Fatal("no request reached the fake gateway")
	}
	return f.requests[len(f.requests)-1], f.headers[len(f.headers)-1]
}

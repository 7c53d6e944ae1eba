package console

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/internal/secrets"
)

const (
	testRing  = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	goodKey   = "rk_good_0123456789abcdef"
	viewerKey = "rk_viewer_0123456789abcdef"
)

// fakeKeys stands for the server's authenticator: two keys, one of them revocable.
type fakeKeys struct{ revoked map[string]bool }

func (f *fakeKeys) check(_ context.Context, key string) (Identity, error) {
	if f.revoked[key] {
		return Identity{}, errors.Join(ErrBadKey, errors.New("unknown or revoked API key"))
	}
	switch key {
	case goodKey:
		return Identity{TenantID: "acme", KeyID: "k_good", Role: "admin"}, nil
	case viewerKey:
		return Identity{TenantID: "acme", KeyID: "k_view", Role: "viewer"}, nil
	case "boom":
		return Identity{}, errors.New("database down")
	}
	return Identity{}, ErrBadKey
}

type fixture struct {
	t    *testing.T
	c    *Console
	keys *fakeKeys
	now  time.Time
	h    http.Handler
	// seen is the last request the wrapped gateway got.
	seen *http.Request
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ring, err := secrets.Parse(testRing)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, keys: &fakeKeys{revoked: map[string]bool{}}, now: time.Unix(1_800_000_000, 0)}
	f.c, err = New(ring, f.keys.check, WithClock(func() time.Time { return f.now }))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", f.c.Handler())
	mux.Handle("/console", f.c.Handler())
	mux.Handle("/v1/", f.c.Bearer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.seen = r
		w.WriteHeader(http.StatusOK)
	})))
	f.h = mux
	return f
}

func (f *fixture) do(method, path, body string, header ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// signIn signs in with key and returns the session cookie ("name=value").
func (f *fixture) signIn(key string) string {
	f.t.Helper()
	rec := f.do("POST", "/console/api/session", `{"key":"`+key+`"}`, "Content-Type", "application/json", HeaderName, "1")
	if rec.Code != http.StatusOK {
		f.t.Fatalf("sign in: %d %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == CookieName {
			return c.Name + "=" + c.Value
		}
	}
	f.t.Fatal("sign in set no session cookie")
	return ""
}

func TestSignInGoodKey(t *testing.T) {
	f := newFixture(t)
	rec := f.do("POST", "/console/api/session", `{"key":"`+goodKey+`"}`, "Content-Type", "application/json", HeaderName, "1")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var id Identity
	if err := json.Unmarshal(rec.Body.Bytes(), &id); err != nil {
		t.Fatal(err)
	}
	if id != (Identity{TenantID: "acme", KeyID: "k_good", Role: "admin"}) {
		t.Errorf("identity %+v", id)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies %v", cookies)
	}
	c := cookies[0]
	if c.Name != CookieName || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("cookie flags: %+v", c)
	}
	if c.Secure {
		t.Error("Secure set on a plain-http request")
	}
	raw := rec.Header().Get("Set-Cookie")
	if strings.Contains(raw, "Max-Age") || strings.Contains(raw, "Expires") {
		t.Errorf("not a browser-session cookie: %s", raw)
	}
	assertNoKey(t, rec, goodKey)
}

func TestSignInSecureBehindTLS(t *testing.T) {
	f := newFixture(t)
	rec := f.do("POST", "/console/api/session", `{"key":"`+goodKey+`"}`, "Content-Type", "application/json", HeaderName, "1", "X-Forwarded-Proto", "https")
	if c := rec.Result().Cookies(); len(c) != 1 || !c[0].Secure {
		t.Fatalf("cookie over https: %v", rec.Header().Get("Set-Cookie"))
	}
}

func TestSignInRefused(t *testing.T) {
	f := newFixture(t)
	f.keys.revoked[viewerKey] = true
	for name, tc := range map[string]struct {
		body   string
		header []string
		code   int
	}{
		"wrong key":     {`{"key":"rk_wrong_123"}`, []string{"Content-Type", "application/json", HeaderName, "1"}, http.StatusUnauthorized},
		"revoked key":   {`{"key":"` + viewerKey + `"}`, []string{"Content-Type", "application/json", HeaderName, "1"}, http.StatusUnauthorized},
		"empty key":     {`{"key":""}`, []string{"Content-Type", "application/json", HeaderName, "1"}, http.StatusUnauthorized},
		"no header":     {`{"key":"` + goodKey + `"}`, []string{"Content-Type", "application/json"}, http.StatusForbidden},
		"form post":     {`key=` + goodKey, []string{"Content-Type", "application/x-www-form-urlencoded", HeaderName, "1"}, http.StatusUnsupportedMediaType},
		"not json":      {`{key`, []string{"Content-Type", "application/json", HeaderName, "1"}, http.StatusBadRequest},
		"server failed": {`{"key":"boom"}`, []string{"Content-Type", "application/json", HeaderName, "1"}, http.StatusServiceUnavailable},
	} {
		t.Run(name, func(t *testing.T) {
			rec := f.do("POST", "/console/api/session", tc.body, tc.header...)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			var body struct{ Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Message == "" {
				t.Errorf("no message in words: %s", rec.Body)
			}
			for _, c := range rec.Result().Cookies() {
				if c.Value != "" {
					t.Errorf("a refused sign-in set a session: %v", c)
				}
			}
			assertNoKey(t, rec, goodKey)
			assertNoKey(t, rec, viewerKey)
		})
	}
}

func TestSessionWhoAmIAndSignOut(t *testing.T) {
	f := newFixture(t)
	// No session is an ordinary answer, not a 401 the browser would log as an error.
	if rec := f.do("GET", "/console/api/session", ""); rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"signed_in":false}` {
		t.Fatalf("no cookie: %d %s", rec.Code, rec.Body)
	}
	ck := f.signIn(goodKey)
	rec := f.do("GET", "/console/api/session", "", "Cookie", ck)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"role":"admin"`) || !strings.Contains(rec.Body.String(), `"signed_in":true`) {
		t.Fatalf("who am I: %d %s", rec.Code, rec.Body)
	}
	assertNoKey(t, rec, goodKey)
	// Sign-out needs the console header (another site cannot sign an operator out).
	if rec := f.do("DELETE", "/console/api/session", "", "Cookie", ck); rec.Code != http.StatusForbidden {
		t.Errorf("sign out without header: %d", rec.Code)
	}
	rec = f.do("DELETE", "/console/api/session", "", "Cookie", ck, HeaderName, "1")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("sign out: %d", rec.Code)
	}
	c := rec.Result().Cookies()
	if len(c) != 1 || c[0].Name != CookieName || c[0].MaxAge >= 0 || c[0].Value != "" {
		t.Errorf("sign out did not clear the cookie: %v", rec.Header().Get("Set-Cookie"))
	}
}

func TestSessionRevokedKeyEndsIt(t *testing.T) {
	f := newFixture(t)
	ck := f.signIn(goodKey)
	f.keys.revoked[goodKey] = true
	if rec := f.do("GET", "/console/api/session", "", "Cookie", ck); rec.Code != http.StatusUnauthorized {
		t.Fatalf("revoked key still signed in: %d", rec.Code)
	}
}

func TestSessionExpires(t *testing.T) {
	f := newFixture(t)
	ck := f.signIn(goodKey)
	f.now = f.now.Add(DefaultSessionLifetime - time.Minute)
	if rec := f.do("GET", "/console/api/session", "", "Cookie", ck); rec.Code != http.StatusOK {
		t.Fatalf("before expiry: %d", rec.Code)
	}
	f.now = f.now.Add(2 * time.Minute)
	if rec := f.do("GET", "/console/api/session", "", "Cookie", ck); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"signed_in":false`) {
		t.Fatalf("after expiry: %d %s", rec.Code, rec.Body)
	}
	f.do("GET", "/v1/channels", "", "Cookie", ck, HeaderName, "1")
	if got := f.seen.Header.Get("Authorization"); got != "" {
		t.Errorf("an expired session still authorizes: %q", got)
	}
}

func TestBearerNeedsHeaderAndNoAuthorization(t *testing.T) {
	f := newFixture(t)
	ck := f.signIn(goodKey)
	cases := []struct {
		name   string
		header []string
		want   string
	}{
		{"cookie and header", []string{"Cookie", ck, HeaderName, "1"}, "Bearer " + goodKey},
		{"cookie without header", []string{"Cookie", ck}, ""},
		{"header without cookie", []string{HeaderName, "1"}, ""},
		{"wrong header value", []string{"Cookie", ck, HeaderName, "true"}, ""},
		{"own authorization wins", []string{"Cookie", ck, HeaderName, "1", "Authorization", "Bearer other"}, "Bearer other"},
		{"tampered cookie", []string{"Cookie", ck + "x", HeaderName, "1"}, ""},
		{"foreign sealed value", []string{"Cookie", CookieName + "=" + sealedOther(t), HeaderName, "1"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.seen = nil
			f.do("GET", "/v1/channels", "", tc.header...)
			if f.seen == nil {
				t.Fatal("request did not reach the gateway")
			}
			if got := f.seen.Header.Get("Authorization"); got != tc.want {
				t.Errorf("Authorization %q, want %q", got, tc.want)
			}
			for _, c := range f.seen.Cookies() {
				if c.Name == CookieName {
					t.Error("the session cookie reached the gateway")
				}
			}
		})
	}
}

// sealedOther is a value sealed with the same ring for another use (a channel secret).
func sealedOther(t *testing.T) string {
	ring, _ := secrets.Parse(testRing)
	b, err := ring.Seal([]byte(`{"k":"`+goodKey+`","iat":1800000000}`), []byte("channel/acme/x"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(base64URL(b), "=")
}

func TestBearerKeepsOtherCookies(t *testing.T) {
	f := newFixture(t)
	ck := f.signIn(goodKey)
	f.do("GET", "/v1/channels", "", "Cookie", "theme=dark; "+ck, HeaderName, "1")
	if c, err := f.seen.Cookie("theme"); err != nil || c.Value != "dark" {
		t.Errorf("other cookie lost: %v", f.seen.Header.Get("Cookie"))
	}
}

func TestCookieHoldsNoPlainKey(t *testing.T) {
	f := newFixture(t)
	ck := f.signIn(goodKey)
	if strings.Contains(ck, goodKey) || strings.Contains(ck, "good") {
		t.Fatalf("the cookie shows the key: %s", ck)
	}
}

func assertNoKey(t *testing.T, rec *httptest.ResponseRecorder, key string) {
	t.Helper()
	if strings.Contains(rec.Body.String(), key) {
		t.Errorf("the key is in the body: %s", rec.Body)
	}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			if strings.Contains(v, key) {
				t.Errorf("the key is in header %s", k)
			}
		}
	}
}

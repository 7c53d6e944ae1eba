package console

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// CookieName is the session cookie. Its value is the API key and the sign-in time, sealed
// with the server's key ring (AES-GCM): the browser stores it but cannot read it, and
// HttpOnly keeps it from scripts.
const CookieName = "reach_console"

// sessionAD binds a sealed session to this use: a sealed channel secret pasted into the
// cookie does not open, nor does a session anywhere else.
var sessionAD = []byte("console-session")

// session is what the cookie seals.
type session struct {
	Key      string `json:"k"`
	IssuedAt int64  `json:"iat"` // Unix seconds
}

var errNoSession = errors.New("no valid console session")

// seal makes the cookie value for key, issued now.
func (c *Console) seal(key string) (string, error) {
	plain, err := json.Marshal(session{Key: key, IssuedAt: c.now().Unix()})
	if err != nil {
		return "", err
	}
	defer clear(plain)
	sealed, err := c.ring.Seal(plain, sessionAD)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// keyFrom returns the API key of r's session cookie, if it has a valid, unexpired one.
func (c *Console) keyFrom(r *http.Request) (string, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		return "", errNoSession
	}
	sealed, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return "", errNoSession
	}
	plain, err := c.ring.Open(sealed, sessionAD)
	if err != nil {
		// Another key ring (rotated away), another use, or tampered: signed out.
		return "", errNoSession
	}
	defer clear(plain)
	var s session
	if err := json.Unmarshal(plain, &s); err != nil || s.Key == "" {
		return "", errNoSession
	}
	issued := time.Unix(s.IssuedAt, 0)
	if age := c.now().Sub(issued); age < -time.Minute || age > c.lifetime {
		return "", errNoSession
	}
	return s.Key, nil
}

// setCookie writes the session cookie: HttpOnly (no script reads it), SameSite=Strict (no
// other site's page sends it), Secure when the request came over TLS, and no Max-Age, so
// it ends with the browser session (the sealed sign-in time ends it sooner).
func setCookie(w http.ResponseWriter, r *http.Request, value string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
}

// clearCookie tells the browser to drop the session cookie.
func clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
}

// overTLS reports whether the browser reached Reach over https, directly or through a
// proxy that says so.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

package console

import (
	"net/http"
	"strings"
)

// Bearer wraps the JSON gateway: a request with the console header, no Authorization of
// its own and a valid session cookie is sent on with "Authorization: Bearer <key>", so the
// gateway and the gRPC interceptors authenticate it as if the key had been sent. The
// session cookie is taken off every request first, so it never reaches the gateway (which
// would pass cookies on as gRPC metadata) nor any log.
func (c *Console) Bearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hasCookie := false
		for _, ck := range r.Cookies() {
			if ck.Name == CookieName {
				hasCookie = true
				break
			}
		}
		if !hasCookie {
			next.ServeHTTP(w, r)
			return
		}
		key, err := c.keyFrom(r)
		r = r.Clone(r.Context())
		stripSessionCookie(r)
		if err == nil && fromConsole(r) && r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+key)
		}
		next.ServeHTTP(w, r)
	})
}

// stripSessionCookie removes the session cookie from r's Cookie headers, keeping others.
func stripSessionCookie(r *http.Request) {
	others := make([]string, 0, 2)
	for _, ck := range r.Cookies() {
		if ck.Name != CookieName {
			others = append(others, ck.String())
		}
	}
	r.Header.Del("Cookie")
	if len(others) > 0 {
		r.Header.Set("Cookie", strings.Join(others, "; "))
	}
}

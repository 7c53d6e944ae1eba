package console

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// HeaderName is the header every console request carries. A page of another site can make
// a browser send a form or a simple request, but not one with a custom header, so a
// request without it never uses the session (CSRF defence beside SameSite=Strict).
const HeaderName = "X-Reach-Console"

// maxSignInBytes bounds the sign-in body: a key is under a hundred bytes.
const maxSignInBytes = 4 << 10

// signIn checks the key in {"key": "..."} and, when the server accepts it, answers whose it
// is and sets the session cookie. The key is never written back.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if !fromConsole(r) {
		writeMessage(w, http.StatusForbidden, "sign in from the console page")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeMessage(w, http.StatusUnsupportedMediaType, "send the key as JSON: {\"key\": \"...\"}")
		return
	}
	var body struct {
		Key string `json:"key"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxSignInBytes))
	if err := dec.Decode(&body); err != nil {
		writeMessage(w, http.StatusBadRequest, "send the key as JSON: {\"key\": \"...\"}")
		return
	}
	key := strings.TrimSpace(body.Key)
	if key == "" {
		writeMessage(w, http.StatusUnauthorized, "enter an API key")
		return
	}
	id, ok := c.resolve(w, r, key)
	if !ok {
		return
	}
	value, err := c.seal(key)
	if err != nil {
		c.log.Error("console: seal session", "error", err)
		writeMessage(w, http.StatusInternalServerError, "could not start a session; try again")
		return
	}
	setCookie(w, r, value)
	c.log.Info("console: signed in", "tenant", id.TenantID, "key_id", id.KeyID, "role", id.Role)
	writeJSON(w, http.StatusOK, sessionAnswer{SignedIn: true, Identity: &id})
}

// sessionAnswer is the session API's answer: signed_in, and whose key when signed in.
type sessionAnswer struct {
	SignedIn bool `json:"signed_in"`
	*Identity
}

// whoAmI answers whose session the cookie holds, checking the key again: a key revoked
// since sign-in ends the session (401). No session, or one expired or unreadable, is an
// ordinary answer, {"signed_in": false}: it is how every visit to the sign-in page starts,
// and a 401 there would be logged as an error by the browser.
func (c *Console) whoAmI(w http.ResponseWriter, r *http.Request) {
	key, err := c.keyFrom(r)
	if err != nil {
		if _, noCookie := r.Cookie(CookieName); noCookie == nil {
			clearCookie(w, r) // expired or unreadable: drop it
		}
		writeJSON(w, http.StatusOK, sessionAnswer{SignedIn: false})
		return
	}
	if id, ok := c.resolve(w, r, key); ok {
		writeJSON(w, http.StatusOK, sessionAnswer{SignedIn: true, Identity: &id})
	}
}

// signOut drops the cookie. It needs the console header too, so another site cannot sign
// an operator out.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	if !fromConsole(r) {
		writeMessage(w, http.StatusForbidden, "sign out from the console page")
		return
	}
	clearCookie(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// resolve asks the server about key; on refusal it writes 401 (and drops any cookie) and
// returns false.
func (c *Console) resolve(w http.ResponseWriter, r *http.Request, key string) (Identity, bool) {
	id, err := c.check(r.Context(), key)
	switch {
	case errors.Is(err, ErrBadKey):
		// Who tried is worth a line; the key never is.
		c.log.Info("console: API key refused", "path", r.URL.Path, "remote", r.RemoteAddr)
		clearCookie(w, r)
		writeMessage(w, http.StatusUnauthorized, "This API key was refused: it is unknown, revoked or mistyped. Check it and try again.")
		return Identity{}, false
	case err != nil:
		c.log.Error("console: check API key", "error", err)
		writeMessage(w, http.StatusServiceUnavailable, "Reach could not check the key just now; try again in a moment.")
		return Identity{}, false
	}
	return id, true
}

func fromConsole(r *http.Request) bool { return r.Header.Get(HeaderName) == "1" }

func writeJSON(w http.ResponseWriter, code int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeMessage answers {"message": "..."}: words the console shows as they are.
func writeMessage(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"message": msg})
}

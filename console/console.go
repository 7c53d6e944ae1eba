// Package console serves Reach's operator console: the web app built from console/web
// (embedded from console/dist), the sign-in session that keeps an operator's API key out of
// the browser's reach, and the middleware that lets the console's calls to the JSON
// gateway use that session. Everything after the middleware is the gateway's own
// authentication, so a console user has exactly the rights of the key they signed in with.
package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/reachhq/reach/internal/secrets"
)

// Identity is whose API key a session holds, as the server's authenticator resolved it.
type Identity struct {
	TenantID string `json:"tenant_id"`
	// TenantName is the tenant's name (reach tenants list), when the server could read it.
	TenantName string `json:"tenant_name,omitempty"`
	KeyID      string `json:"key_id"`
	Role       string `json:"role"`
}

// KeyCheck resolves an API key with the server's own rule (the one every gRPC call passes).
// It returns an error wrapping ErrBadKey when the key is malformed, unknown or revoked,
// with a message that may be shown to the operator; any other error is the server's.
type KeyCheck func(ctx context.Context, key string) (Identity, error)

// ErrBadKey is what a KeyCheck wraps when the key is not a usable API key.
var ErrBadKey = errors.New("API key refused")

// DefaultSessionLifetime is how long a sign-in lasts, whatever the browser does.
const DefaultSessionLifetime = 12 * time.Hour

// Console serves the console under /console/ and turns its session into API calls.
type Console struct {
	ring     *secrets.KeyRing
	check    KeyCheck
	log      *slog.Logger
	now      func() time.Time
	lifetime time.Duration
	assets   *assets
}

// Option configures a Console.
type Option func(*Console)

// WithLogger logs sign-in failures and server errors (never a key or a cookie).
func WithLogger(l *slog.Logger) Option { return func(c *Console) { c.log = l } }

// WithClock replaces time.Now (tests of expiry).
func WithClock(now func() time.Time) Option { return func(c *Console) { c.now = now } }

// WithSessionLifetime sets how long a session lasts after sign-in (default 12 h).
func WithSessionLifetime(d time.Duration) Option { return func(c *Console) { c.lifetime = d } }

// New returns a Console whose sessions are sealed with ring and whose sign-in asks check.
func New(ring *secrets.KeyRing, check KeyCheck, opts ...Option) (*Console, error) {
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	c := &Console{ring: ring, check: check, log: slog.New(slog.DiscardHandler), now: time.Now,
		lifetime: DefaultSessionLifetime, assets: a}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Handler serves everything under /console/: the session API and the app. Mount it at
// "/console/" (and "/console", which redirects).
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/api/session", c.signIn)
	mux.HandleFunc("GET /console/api/session", c.whoAmI)
	mux.HandleFunc("DELETE /console/api/session", c.signOut)
	mux.HandleFunc("/console/api/", func(w http.ResponseWriter, r *http.Request) {
		writeMessage(w, http.StatusNotFound, "no such console API")
	})
	mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		// Relative, so a path prefix in front of Reach is kept.
		w.Header().Set("Location", "console/")
		w.WriteHeader(http.StatusMovedPermanently)
	})
	mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeMessage(w, http.StatusMethodNotAllowed, "the console's pages are read with GET")
			return
		}
		c.assets.ServeHTTP(w, r)
	})
	return mux
}

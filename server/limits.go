package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Limits bound what one request may cost the server, whoever sends it: they apply before
// authentication, so a stranger without a key meets them first.
type Limits struct {
	// MaxBodyBytes bounds an HTTP request body (JSON gateway and notifications). It is
	// enforced while reading: a larger body is refused with 413 after at most this many
	// bytes, or at once when its Content-Length says so.
	MaxBodyBytes int64
	// MaxMessageBytes bounds a gRPC request message; grpc-go refuses a larger one from its
	// length prefix, before reading it.
	MaxMessageBytes int
	// ReadHeaderTimeout and ReadTimeout bound how long a request's headers, and the whole
	// request with its body, may take to arrive: a trickled body is cut off.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its response.
	// Gateway calls get a deadline a little shorter, so a slow call ends with a
	// DEADLINE_EXCEEDED answer rather than a dropped connection.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that carries no request. It is longer than
	// the usual load balancer's (60 s), so the balancer, not Reach, closes idle connections.
	IdleTimeout time.Duration
}

// DefaultLimits are the limits of a Config that sets none. 4 MiB is grpc-go's own default
// message limit and holds a full batch of 1,000 recipients with their keyword values.
func DefaultLimits() Limits {
	return Limits{
		MaxBodyBytes:      4 << 20,
		MaxMessageBytes:   4 << 20,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
}

// withDefaults fills each unset (zero) limit with its default: a limit cannot be turned off.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	set := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxMessageBytes == 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	set(&l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	set(&l.ReadTimeout, d.ReadTimeout)
	set(&l.WriteTimeout, d.WriteTimeout)
	set(&l.IdleTimeout, d.IdleTimeout)
	return l
}

// Validate refuses negative limits; zero means the default.
func (l Limits) Validate() error {
	if l.MaxBodyBytes < 0 || l.MaxMessageBytes < 0 {
		return errors.New("limits: body and message sizes must not be negative")
	}
	for _, d := range []time.Duration{l.ReadHeaderTimeout, l.ReadTimeout, l.WriteTimeout, l.IdleTimeout} {
		if d < 0 {
			return errors.New("limits: timeouts must not be negative")
		}
	}
	return nil
}

// callTimeout is the deadline of a gateway call: the write timeout less a tenth, which is
// left to write the answer.
func (l Limits) callTimeout() time.Duration { return l.WriteTimeout - l.WriteTimeout/10 }

// bodyGuard is a request body behind http.MaxBytesReader that remembers why reading it
// failed. The gateway turns a read error into an INVALID_ARGUMENT status whose text is all
// that is left of the cause, so its error handler asks the guard instead.
type bodyGuard struct {
	io.ReadCloser
	tooLarge bool
	timedOut bool
}

func (g *bodyGuard) Read(p []byte) (int, error) {
	n, err := g.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		g.note(err)
	}
	return n, err
}

func (g *bodyGuard) note(err error) {
	var tooLarge *http.MaxBytesError
	var ne net.Error
	switch {
	case errors.As(err, &tooLarge):
		g.tooLarge = true
	case errors.As(err, &ne) && ne.Timeout():
		g.timedOut = true
	}
}

type bodyGuardKey struct{}

// guardOf is the request's body guard, if limitBodies installed one.
func guardOf(ctx context.Context) *bodyGuard {
	g, _ := ctx.Value(bodyGuardKey{}).(*bodyGuard)
	return g
}

// limitBodies puts every request body behind the size limit before any handler (gateway,
// authentication, notification) reads it. A body that declares itself too large is refused
// without reading a byte of it; tooLarge writes that answer.
func limitBodies(limit int64, next http.Handler, tooLarge func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			// Hitting a MaxBytesReader (here after one byte) marks the connection for
			// closing after the answer, with net/http's lingering close: without it the
			// unread body makes the close a TCP reset, which often destroys the 413 before
			// the client reads it.
			_, _ = http.MaxBytesReader(w, r.Body, 0).Read(make([]byte, 1))
			tooLarge(w, r)
			return
		}
		g := &bodyGuard{ReadCloser: http.MaxBytesReader(w, r.Body, limit)}
		r.Body = g
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyGuardKey{}, g)))
	})
}

// bodyStatus is the HTTP status for an error reading a request body: 413 past the size
// limit, 408 when the read timeout cut it off, 400 for anything else (a malformed body).
func bodyStatus(err error) int {
	var g bodyGuard
	g.note(err)
	switch {
	case g.tooLarge:
		return http.StatusRequestEntityTooLarge
	case g.timedOut:
		return http.StatusRequestTimeout
	}
	return http.StatusBadRequest
}

// tooLargeMessage is the one text of every too-large answer, on both transports.
func tooLargeMessage(limit int64) string {
	return fmt.Sprintf("request too large: the limit is %d bytes", limit)
}

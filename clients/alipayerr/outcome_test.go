package alipayerr

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// server runs handle on each accepted connection until the test ends.
func server(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return l.Addr().String()
}

// post sends a form the way the clients do and wraps a failure as they do.
func post(t *testing.T, ctx context.Context, addr string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/gateway.do", strings.NewReader("a=b"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{}).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("post succeeded")
	}
	return &Error{Class: Retryable, Err: fmt.Errorf("post to gateway: %w", err)}
}

func TestMaybeDelivered(t *testing.T) {
	closed := closedPort(t)
	_, dialErr := net.DialTimeout("tcp", closed, 5*time.Second)
	var op *net.OpError
	if !errors.As(dialErr, &op) || op.Op != "dial" || !errors.Is(dialErr, syscall.ECONNREFUSED) {
		t.Fatalf("dial to a closed port: %#v", dialErr)
	}
	httpDialErr := post(t, context.Background(), closed)

	// A server that reads the request and hangs up without answering: written, then dropped.
	dropped := server(t, func(c net.Conn) {
		defer c.Close()
		http.ReadRequest(bufio.NewReader(c))
	})
	droppedErr := post(t, context.Background(), dropped)
	if !errors.Is(droppedErr, io.EOF) {
		t.Fatalf("dropped connection gave %v", droppedErr)
	}
	// A server that reads the request and never answers: the deadline passes after writing.
	hang := server(t, func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		http.ReadRequest(r)
		io.Copy(io.Discard, r) // until the client gives up and closes
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	timeoutErr := post(t, ctx, hang)
	if !errors.Is(timeoutErr, context.DeadlineExceeded) {
		t.Fatalf("timeout gave %v", timeoutErr)
	}

	dnsErr := &net.DNSError{Err: "no such host", Name: "openapi.alipay.invalid", IsNotFound: true}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		// unknown outcome
		{"unexpected EOF", io.ErrUnexpectedEOF, true},
		{"context deadline", context.DeadlineExceeded, true},
		{"wrapped context deadline", fmt.Errorf("send: %w", context.DeadlineExceeded), true},
		{"real timeout after writing", timeoutErr, true},
		{"real connection dropped after writing", droppedErr, true},
		{"read reset", &Error{Class: Retryable, Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}, true},
		{"write broken pipe", &net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE}, true},
		{"Retryable wraps EOF", &Error{Class: Retryable, Err: io.ErrUnexpectedEOF}, true},
		{"20000", &Error{Class: Retryable, Code: "20000", SubCode: "isp.unknow-error", Verified: true}, true},
		{"SYSTEM_ERROR", &Error{Class: Retryable, Code: "40004", SubCode: "SYSTEM_ERROR", Verified: true}, true},
		{"Alipay+ U", &Error{Class: Retryable, Code: "U", SubCode: "UNKNOWN_EXCEPTION", Verified: true}, true},
		{"HTTP 503", &Error{Class: Retryable, HTTPStatus: 503, Err: errors.New("gateway answered HTTP 503")}, true},
		{"plain error", errors.New("kms down"), true},
		// never sent
		{"real dial error", dialErr, false},
		{"real dial error through http, wrapped", httpDialErr, false},
		{"wrapped twice", fmt.Errorf("dispatch: %w", httpDialErr), false},
		{"DNS failure", dnsErr, false},
		{"DNS failure in dial", &Error{Class: Retryable, Err: &net.OpError{Op: "dial", Net: "tcp", Err: dnsErr}}, false},
		{"dial deadline", &net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}, false},
		{"connection refused", fmt.Errorf("connect: %w", syscall.ECONNREFUSED), false},
		{"joined", errors.Join(io.EOF, dialErr), false},
		{"refused by the allowlist", &Error{Class: Retryable, Err: &url.Error{Op: "Post", URL: "https://x/", Err: fmt.Errorf("no: %w", ErrEndpointNotAllowed)}}, false},
		// a dial error of another call (a certificate download while reading the answer)
		{"nested *Error", &Error{Class: Retryable, Err: fmt.Errorf("cert rotation: %w", &Error{Class: Retryable, Err: dialErr})}, true},
		// Alipay's definite refusal
		{"RateLimited", &Error{Class: RateLimited, Code: "40005", Verified: true}, false},
		{"RateLimited U", &Error{Class: RateLimited, Code: "U", SubCode: "REQUEST_TRAFFIC_EXCEED_LIMIT", Verified: true}, false},
		{"Auth", &Error{Class: Auth, Code: "40002", SubCode: "isv.invalid-signature", Verified: true}, false},
		{"Auth unsigned refusal", &Error{Class: Auth, Code: "40002", SubCode: "isv.invalid-signature", Err: errors.New("error response is unsigned")}, false},
		{"Auth Alipay+", &Error{Class: Auth, Code: "F", SubCode: "INVALID_SIGNATURE", Verified: true}, false},
		{"TemplateMissing", &Error{Class: TemplateMissing, Code: "40004", SubCode: "MSG_TEMPLATE_NOT_EXIST", Verified: true}, false},
		{"NotSubscribed", &Error{Class: NotSubscribed, Code: "40004", SubCode: "MSG_SD_NOFOLLOW", Verified: true}, false},
		{"BadRequest", &Error{Class: BadRequest, Code: "40004", SubCode: "USER_KEYWORD_LENGTH_ERROR", Verified: true}, false},
		{"BadRequest before sending", &Error{Class: BadRequest, Err: errors.New("encode request")}, false},
		{"Permanent", &Error{Class: Permanent, Code: "40004", SubCode: "MSG_SEND_FORBIDDEN", Verified: true}, false},
		{"Permanent HTTP 404", &Error{Class: Permanent, HTTPStatus: 404}, false},
		{"Retryable class with a dial error inside", &Error{Class: Retryable, Code: "20000", Err: dialErr}, false},
		// no refusal was read
		{"answer not verifiable", &Error{Class: Auth, Msg: "response could not be verified", Err: errors.New("signature verification failed")}, true},
		{"accepted, answer undecodable", &Error{Class: Permanent, Code: "S", SubCode: "SUCCESS", Err: errors.New("decode response")}, true},
		{"10000, answer undecodable", &Error{Class: Permanent, Code: "10000", Verified: true}, true},
	} {
		if got := MaybeDelivered(c.err); got != c.want {
			t.Errorf("%s: MaybeDelivered(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestTokenExpired(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"expired", &Error{Class: AlipayPlus("F", "EXPIRED_ACCESS_TOKEN"), Code: "F", SubCode: "EXPIRED_ACCESS_TOKEN", Verified: true}, true},
		{"expired, wrapped", fmt.Errorf("send: %w", &Error{Class: NotSubscribed, Code: "F", SubCode: "expired_access_token", Verified: true}), true},
		{"expired, unverified", &Error{Class: NotSubscribed, Code: "F", SubCode: "EXPIRED_ACCESS_TOKEN"}, false},
		{"expired, U", &Error{Class: AlipayPlus("U", "EXPIRED_ACCESS_TOKEN"), Code: "U", SubCode: "EXPIRED_ACCESS_TOKEN", Verified: true}, false},
		{"invalid", &Error{Class: NotSubscribed, Code: "F", SubCode: "INVALID_ACCESS_TOKEN", Verified: true}, false},
		{"not subscribed", &Error{Class: NotSubscribed, Code: "F", SubCode: "USER_NOT_SUBSCRIBED", Verified: true}, false},
		{"Open Platform", &Error{Class: NotSubscribed, Code: "40004", SubCode: "EXPIRED_ACCESS_TOKEN", Verified: true}, false},
		{"app auth token timed out", &Error{Class: Auth, Code: "20001", SubCode: "aop.auth-token-time-out", Verified: true}, false},
		{"plain error", errors.New("EXPIRED_ACCESS_TOKEN"), false},
	} {
		if got := TokenExpired(c.err); got != c.want {
			t.Errorf("%s: TokenExpired(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
	if AlipayPlus("F", "EXPIRED_ACCESS_TOKEN") != NotSubscribed || AlipayPlus("F", "INVALID_ACCESS_TOKEN") != NotSubscribed {
		t.Fatal("token codes must stay NotSubscribed")
	}
}

package delivery

import (
	"errors"
	"testing"

	"github.com/reachhq/reach/clients/alipayerr"
)

// TestTokenRefused: only Alipay's signed refusal of the token itself expires a user; the
// channel's credentials failing or Alipay being unreachable does not.
func TestTokenRefused(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&alipayerr.Error{Class: alipayerr.Permanent, Code: "F", SubCode: "USED_REFRESH_TOKEN", Verified: true}, true},
		{&alipayerr.Error{Class: alipayerr.NotSubscribed, Code: "F", SubCode: "EXPIRED_ACCESS_TOKEN", Verified: true}, true},
		{&alipayerr.Error{Class: alipayerr.Permanent, Code: "F", SubCode: "INVALID_REFRESH_TOKEN"}, false}, // unsigned
		{&alipayerr.Error{Class: alipayerr.Auth, Code: "F", SubCode: "INVALID_SIGNATURE", Verified: true}, false},
		{&alipayerr.Error{Class: alipayerr.Retryable, Code: "U", Verified: true}, false},
		{errors.New("connection refused"), false},
	} {
		if got := tokenRefused(c.err); got != c.want {
			t.Errorf("tokenRefused(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

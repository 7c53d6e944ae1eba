package server

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
)

// TestSealTokensKeepsWhatAlipayDidNotSay: a refresh answer without a refresh token keeps
// the stored one, and an expiry Alipay did not give stays unknown instead of year 1 (which
// would expire the user on the refresher's next round).
func TestSealTokensKeepsWhatAlipayDidNotSay(t *testing.T) {
	ring, err := secrets.Parse(testKeyRing)
	if err != nil {
		t.Fatal(err)
	}
	d := &deps{keys: ring}
	old := time.Now().Add(time.Hour)
	row := &store.Subscription{TenantID: "t", ChannelID: "c", ID: "s", RefreshToken: []byte("sealed-old"), RefreshExpireTime: &old}
	if err := d.sealTokens(row, &adapter.Token{AccessToken: "new-access"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(row.RefreshToken, []byte("sealed-old")) || row.RefreshExpireTime != &old {
		t.Fatal("a missing refresh token replaced the stored one")
	}
	if row.TokenExpireTime != nil {
		t.Fatalf("unknown access expiry stored as %v", row.TokenExpireTime)
	}
	plain, err := ring.Open(row.AccessToken, tokenAD(row, "access_token"))
	if err != nil || string(plain) != "new-access" {
		t.Fatalf("access token: %q %v", plain, err)
	}
}

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

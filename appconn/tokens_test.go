package appconn

import (
	"bytes"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
)

// TestSealTokensKeepsWhatAlipayDidNotSay: a refresh answer without a refresh token keeps
// the stored one, and an expiry Alipay did not give stays unknown instead of year 1 (which
// would expire the user on the refresher's next round).
func TestSealTokensKeepsWhatAlipayDidNotSay(t *testing.T) {
	ring, err := secrets.Parse("k1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		t.Fatal(err)
	}
	c := &Connector{keys: ring}
	old := time.Now().Add(time.Hour)
	row := &store.Subscription{TenantID: "t", ChannelID: "c", ID: "s", RefreshToken: []byte("sealed-old"), RefreshExpireTime: &old}
	if err := c.SealTokens(row, &adapter.Token{AccessToken: "new-access"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(row.RefreshToken, []byte("sealed-old")) || row.RefreshExpireTime != &old {
		t.Fatal("a missing refresh token replaced the stored one")
	}
	if row.TokenExpireTime != nil {
		t.Fatalf("unknown access expiry stored as %v", row.TokenExpireTime)
	}
	if plain, err := c.AccessToken(row); err != nil || plain != "new-access" {
		t.Fatalf("access token: %q %v", plain, err)
	}
	moved := *row
	moved.ID = "other"
	if _, err := c.AccessToken(&moved); err == nil {
		t.Fatal("a token sealed to one row opens in another")
	}
}

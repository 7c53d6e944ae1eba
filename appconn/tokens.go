package appconn

import (
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/store"
)

// SealTokens puts tok into row (not saved), sealed to the row. A refresh answer without a
// new refresh token keeps the stored one. An expiry Alipay did not give (zero) is stored as
// unknown, never as year 1, which would expire the user at once.
func (c *Connector) SealTokens(row *store.Subscription, tok *adapter.Token) error {
	access, err := c.keys.Seal([]byte(tok.AccessToken), TokenAD(row, "access_token"))
	if err != nil {
		return err
	}
	row.AccessToken, row.TokenExpireTime = access, knownTime(tok.AccessExpiry)
	if tok.RefreshToken != "" {
		if row.RefreshToken, err = c.keys.Seal([]byte(tok.RefreshToken), TokenAD(row, "refresh_token")); err != nil {
			return err
		}
		row.RefreshExpireTime = knownTime(tok.RefreshExpiry)
	}
	return nil
}

// AccessToken opens a user's access token, just before a call that needs it.
func (c *Connector) AccessToken(row *store.Subscription) (string, error) {
	plain, err := c.keys.Open(row.AccessToken, TokenAD(row, "access_token"))
	return string(plain), err
}

// RefreshToken opens a user's refresh token, just before it is spent.
func (c *Connector) RefreshToken(row *store.Subscription) (string, error) {
	plain, err := c.keys.Open(row.RefreshToken, TokenAD(row, "refresh_token"))
	return string(plain), err
}

func knownTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// TokenAD binds a sealed token to its row and column.
func TokenAD(row *store.Subscription, column string) []byte {
	return store.SecretRef{Kind: "subscription", TenantID: row.TenantID, ChannelID: row.ChannelID, ID: row.ID, Column: column}.AssociatedData()
}

package server

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/clients/adapter"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// authorizeTimeout bounds the applyToken call.
const authorizeTimeout = 10 * time.Second

func (s *subscriptionService) AuthorizeUser(ctx context.Context, req *reachv1.AuthorizeUserRequest) (*reachv1.AuthorizeUserResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	if ch.Type != typeAlipayPlus {
		return nil, status.Errorf(codes.FailedPrecondition, "channel %q is %s; users authorize on Alipay+ channels", req.Parent, ch.Type)
	}
	if req.AuthCode == "" || len(req.AuthCode) > 256 {
		return nil, invalidField("auth_code", "required: the code from my.getAuthCode, at most 256 characters")
	}
	authz, err := s.authorizerFor(ch)
	if err != nil {
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, authorizeTimeout)
	defer cancel()
	tok, err := authz.ApplyToken(actx, req.AuthCode)
	if err != nil {
		return nil, alipayStatus("apply token", err)
	}
	// The auth code is spent: keep the tokens even if the caller goes away now.
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer wcancel()
	row, err := s.storeToken(wctx, ch, tok)
	if err != nil {
		return nil, err
	}
	return &reachv1.AuthorizeUserResponse{Subscription: subscriptionToProto(row)}, nil
}

func (d *deps) authorizerFor(ch *store.Channel) (adapter.Authorizer, error) {
	a, err := d.adapterFor(ch)
	if err != nil {
		return nil, err
	}
	authz, ok := a.(adapter.Authorizer)
	if !ok {
		return nil, status.Error(codes.FailedPrecondition, "this channel's product does not authorize users")
	}
	return authz, nil
}

// storeToken records a user's tokens sealed to their ledger row. The row is created first
// (without tokens) because the ciphertexts are bound to its id.
func (d *deps) storeToken(ctx context.Context, ch *store.Channel, tok *adapter.Token) (*store.Subscription, error) {
	key := store.SubscriptionKey{TenantID: ch.TenantID, ChannelID: ch.ID, User: store.UserRef{Kind: kindCustomerID, ID: tok.CustomerID}}
	row, err := d.store.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "AUTHORIZATION"})
	if err != nil {
		return nil, err
	}
	if err := d.sealTokens(row, tok); err != nil {
		return nil, err
	}
	return d.store.ApplySubscription(ctx, key, store.SubscriptionChange{
		Kind: "AUTHORIZATION", State: "ACTIVE", StateReason: "authorized by the user",
		AccessToken: row.AccessToken, RefreshToken: row.RefreshToken, TokenExpireTime: row.TokenExpireTime, RefreshExpireTime: row.RefreshExpireTime,
	})
}

// sealTokens puts tok into row (not saved), sealed to the row. A refresh answer without a
// new refresh token keeps the stored one. An expiry Alipay did not give (zero) is stored as
// unknown, never as year 1, which would expire the user at once.
func (d *deps) sealTokens(row *store.Subscription, tok *adapter.Token) error {
	access, err := d.keys.Seal([]byte(tok.AccessToken), tokenAD(row, "access_token"))
	if err != nil {
		return err
	}
	row.AccessToken, row.TokenExpireTime = access, knownTime(tok.AccessExpiry)
	if tok.RefreshToken != "" {
		if row.RefreshToken, err = d.keys.Seal([]byte(tok.RefreshToken), tokenAD(row, "refresh_token")); err != nil {
			return err
		}
		row.RefreshExpireTime = knownTime(tok.RefreshExpiry)
	}
	return nil
}

func knownTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// writeTimeout bounds a write that must happen after Alipay did something that cannot be
// undone (an auth code spent, a template claimed), even if the caller has gone away.
const writeTimeout = 10 * time.Second

// tokenAD binds a sealed token to its row and column.
func tokenAD(row *store.Subscription, column string) []byte {
	return store.SecretRef{Kind: "subscription", TenantID: row.TenantID, ChannelID: row.ChannelID, ID: row.ID, Column: column}.AssociatedData()
}

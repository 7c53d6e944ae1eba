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
	row, err := s.storeToken(ctx, ch, tok)
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
	access, err := d.keys.Seal([]byte(tok.AccessToken), tokenAD(row, "access_token"))
	if err != nil {
		return nil, err
	}
	refresh, err := d.keys.Seal([]byte(tok.RefreshToken), tokenAD(row, "refresh_token"))
	if err != nil {
		return nil, err
	}
	ae, re := tok.AccessExpiry.UTC(), tok.RefreshExpiry.UTC()
	return d.store.ApplySubscription(ctx, key, store.SubscriptionChange{
		Kind: "AUTHORIZATION", State: "ACTIVE", StateReason: "authorized by the user",
		AccessToken: access, RefreshToken: refresh, TokenExpireTime: &ae, RefreshExpireTime: &re,
	})
}

// tokenAD binds a sealed token to its row and column.
func tokenAD(row *store.Subscription, column string) []byte {
	return store.SecretRef{Kind: "subscription", TenantID: row.TenantID, ChannelID: row.ChannelID, ID: row.ID, Column: column}.AssociatedData()
}

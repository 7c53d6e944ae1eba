package server

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
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
		s.noteAlipayVerdict(ctx, ch, nil, err)
		return nil, s.alipayStatus(ctx, "apply token", err)
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
	authz, err := d.conn.Authorizer(ch)
	if errors.Is(err, appconn.ErrNotAuthorizer) {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	return authz, err
}

// storeToken records a user's tokens sealed to their ledger row. The row is created first
// (without tokens) because the ciphertexts are bound to its id.
func (d *deps) storeToken(ctx context.Context, ch *store.Channel, tok *adapter.Token) (*store.Subscription, error) {
	key := store.SubscriptionKey{TenantID: ch.TenantID, ChannelID: ch.ID, User: store.UserRef{Kind: kindCustomerID, ID: tok.CustomerID}}
	row, err := d.store.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "AUTHORIZATION"})
	if err != nil {
		return nil, err
	}
	if err := d.conn.SealTokens(row, tok); err != nil {
		return nil, err
	}
	return d.store.ApplySubscription(ctx, key, store.SubscriptionChange{
		Kind: "AUTHORIZATION", State: "ACTIVE", StateReason: "authorized by the user",
		AccessToken: row.AccessToken, RefreshToken: row.RefreshToken, TokenExpireTime: row.TokenExpireTime, RefreshExpireTime: row.RefreshExpireTime,
	})
}

// writeTimeout bounds a write that must happen after Alipay did something that cannot be
// undone (an auth code spent, a template claimed), even if the caller has gone away.
const writeTimeout = 10 * time.Second

// authCodeRefused reports whether Alipay+ refused the auth code itself (invalid or used,
// expired): the caller's bad argument, not a failed precondition.
func authCodeRefused(ae *alipayerr.Error) bool {
	return ae.SubCode == "INVALID_AUTHCODE" || ae.SubCode == "AUTH_CODE_EXPIRED"
}

package server

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/store"
)

// principal is who is calling: the tenant and role of a valid API key.
type principal struct {
	TenantID string
	KeyID    string
	Role     store.Role
}

type principalKey struct{}

// callerFrom returns the principal the auth interceptor put in ctx.
func callerFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// tenantOf is the tenant every store call of a request is scoped to.
func tenantOf(ctx context.Context) string { return callerFrom(ctx).TenantID }

// Roles allowed per method. Methods not listed under reach.v1 are admin only; methods
// outside reach.v1 (health, reflection) need no key.
var (
	senderMethods = map[string]bool{
		"/reach.v1.MessageService/SendMessage":                true,
		"/reach.v1.MessageService/BatchSendMessages":          true,
		"/reach.v1.MessageService/CancelMessage":              true,
		"/reach.v1.MessageService/RetryMessage":               true,
		"/reach.v1.BroadcastService/CreateBroadcast":          true,
		"/reach.v1.BroadcastService/PauseBroadcast":           true,
		"/reach.v1.BroadcastService/ResumeBroadcast":          true,
		"/reach.v1.BroadcastService/CancelBroadcast":          true,
		"/reach.v1.SubscriptionService/CreateSubscription":    true,
		"/reach.v1.SubscriptionService/RecordSubscribeResult": true,
		"/reach.v1.SubscriptionService/SyncSubscriptions":     true,
		"/reach.v1.SubscriptionService/AuthorizeUser":         true,
	}
)

// allowed reports whether role may call method.
func allowed(role store.Role, method string) bool {
	switch role {
	case store.RoleAdmin:
		return true
	case store.RoleSender:
		return senderMethods[method] || isRead(method)
	case store.RoleViewer:
		return isRead(method)
	}
	return false
}

// isRead reports whether method only reads (Get…, List…, Watch…).
func isRead(method string) bool {
	i := strings.LastIndexByte(method, '/')
	name := method[i+1:]
	return strings.HasPrefix(name, "Get") || strings.HasPrefix(name, "List") || strings.HasPrefix(name, "Watch")
}

// needsAuth reports whether method belongs to Reach's API (not health or reflection).
func needsAuth(method string) bool { return strings.HasPrefix(method, "/reach.v1.") }

// authenticator checks API keys against the store.
type authenticator struct {
	keys  store.APIKeyStore
	cache *readCache
	now   func() time.Time
	// touched is when this replica last recorded each key's use (key id → time.Time).
	touched sync.Map
}

// authenticate resolves the bearer token in ctx's metadata and checks the role for method.
func (a *authenticator) authenticate(ctx context.Context, method string) (principal, error) {
	token, err := bearerToken(ctx)
	if err != nil {
		return principal{}, err
	}
	k, err := a.resolve(ctx, token)
	if err != nil {
		return principal{}, err
	}
	if !allowed(k.Role, method) {
		return principal{}, status.Errorf(codes.PermissionDenied, "role %q may not call %s", k.Role, method[strings.LastIndexByte(method, '/')+1:])
	}
	a.touch(ctx, k)
	return principal{TenantID: k.TenantID, KeyID: k.ID, Role: k.Role}, nil
}

// resolve returns the stored key of an API key token, or UNAUTHENTICATED when it is
// malformed, unknown or revoked. The console's sign-in asks the same question.
func (a *authenticator) resolve(ctx context.Context, token string) (*store.APIKey, error) {
	id, secret, err := apikey.Parse(token)
	if err != nil {
		return nil, status.Error(codes.Unauthenticated, "malformed API key")
	}
	k, err := a.cache.apiKey(ctx, a.keys, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, status.Error(codes.Unauthenticated, "unknown or revoked API key")
	}
	if err != nil {
		return nil, err
	}
	if k.RevokeTime != nil || !apikey.Verify(secret, k.Hash) {
		return nil, status.Error(codes.Unauthenticated, "unknown or revoked API key")
	}
	return k, nil
}

// keyStillValid re-checks, for a call that outlives a request (a watch), the key it was
// authorized with: once the key is revoked, or its tenant deleted (which revokes its
// keys), the call ends with UNAUTHENTICATED within the key cache's time, as a new call
// would be refused.
func (d *deps) keyStillValid(ctx context.Context) error {
	k, err := d.cache.apiKey(ctx, d.store, callerFrom(ctx).KeyID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.RevokeTime != nil) {
		return status.Error(codes.Unauthenticated, "the API key of this call was revoked")
	}
	return err
}

// touch records that k was used.
func (a *authenticator) touch(ctx context.Context, k *store.APIKey) {
	// Record use at most once a minute per key and replica, so reads don't turn into writes.
	now := a.now()
	last := k.LastUsed
	if t, ok := a.touched.Load(k.ID); ok {
		tt := t.(time.Time)
		last = &tt
	}
	if last == nil || now.Sub(*last) > time.Minute {
		a.touched.Store(k.ID, now)
		_ = a.keys.TouchAPIKey(ctx, k.ID, now) // best effort: never fail a call over bookkeeping
	}
}

// bearerToken reads "authorization: Bearer <key>" from gRPC metadata (the gateway forwards
// the HTTP Authorization header there).
func bearerToken(ctx context.Context) (string, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get("authorization")
	if len(vals) == 0 {
		return "", status.Error(codes.Unauthenticated, `missing API key: send "authorization: Bearer <key>"`)
	}
	scheme, token, ok := strings.Cut(vals[0], " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "" {
		return "", status.Error(codes.Unauthenticated, `malformed authorization: expected "Bearer <key>"`)
	}
	return strings.TrimSpace(token), nil
}

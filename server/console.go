package server

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/console"
)

// console builds the operator console over this server's key ring and API keys: a sign-in
// is checked by the authenticator every gRPC call passes, so the console has no rule of
// its own about keys.
func (s *Server) console() (*console.Console, error) {
	c, err := console.New(s.deps.keys, s.consoleKeyCheck, console.WithLogger(s.log))
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	return c, nil
}

// consoleKeyCheck resolves a key for the console's sign-in.
func (s *Server) consoleKeyCheck(ctx context.Context, key string) (console.Identity, error) {
	k, err := s.auth.resolve(ctx, key)
	if status.Code(err) == codes.Unauthenticated {
		return console.Identity{}, fmt.Errorf("%w: %s", console.ErrBadKey, status.Convert(err).Message())
	}
	if err != nil {
		return console.Identity{}, err
	}
	id := console.Identity{TenantID: k.TenantID, KeyID: k.ID, Role: string(k.Role)}
	// The name is for the console's header only: without it the console shows the id.
	if tn, err := s.deps.store.GetTenant(ctx, k.TenantID); err == nil {
		id.TenantName = tn.Name
	} else {
		s.log.Warn("console: read tenant name", "tenant", k.TenantID, "error", err)
	}
	return id, nil
}

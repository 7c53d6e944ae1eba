package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// checkDuplicate fails a message whose template and content went to the same user through
// the channel within the policy's dedup window (off by default), naming the earlier
// message; a one-time acceptance it reserved is given back. It runs after the frequency
// cap: a message the cap holds back claims no content (its reason would name a message
// that was never sent), and a duplicate has taken its place in the cap.
func (a *attempt) checkDuplicate(ctx context.Context) *store.Outcome {
	window := a.ch.dedup
	if window <= 0 {
		return nil
	}
	hash, err := contentHash(a.c.Message)
	if err != nil {
		return a.fail("not sent: " + err.Error())
	}
	key := store.CapKey{TenantID: a.c.TenantID, ChannelID: a.c.ChannelID, User: a.c.Recipient}
	dup, at, err := a.d.store.ClaimContent(ctx, key, hash, a.c.ID, a.now, window)
	switch {
	case err != nil:
		return a.later(ctx, "could not check the content against earlier sends: "+err.Error(), a.d.cfg.RateLimitDelay)
	case dup != "":
		return a.fail(fmt.Sprintf("not sent: the same content went to this recipient at %s (message %s), within the channel's dedup window of %s",
			at.Format(time.RFC3339), dup, window))
	}
	return nil
}

// contentHash identifies what a message says: its template and its content, encoded
// deterministically (not its category, recipient or times).
func contentHash(m *store.Message) (string, error) {
	c, err := payloadContent(m)
	if err != nil {
		return "", err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&reachv1.Message{
		Template: m.TemplateID, Data: c.Data, Colors: c.Colors, Localizations: c.Localizations, Page: c.Page, LifeAccount: c.LifeAccount})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/reachhq/reach/clients/gateway"
	"github.com/reachhq/reach/clients/signer"
	"github.com/reachhq/reach/internal/replay"
	"github.com/reachhq/reach/store"
)

// lifeAccount handles the Life Account application gateway (§3.2): the gateway check and
// follow/unfollow events, answered with signed XML.
func (n *notification) lifeAccount(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	if err := gateway.VerifyLifeAccountNotification(r.PostForm, n.alipayKey); err != nil {
		n.reject(ctx, w, err)
		return
	}
	var reply string
	sign, err := n.replySigner()
	switch service := r.PostForm.Get("service"); {
	case err != nil:
	case service == "alipay.service.check":
		reply, err = gateway.SignGatewayCheckResponse(ctx, sign, "", true)
	case service == "alipay.mobile.public.message.notify":
		reply, err = n.lifeAccountEvent(ctx, sign, r.PostForm.Get("biz_content"))
	default:
		n.log.InfoContext(ctx, "notify: unhandled Life Account service", "service", service)
		http.Error(w, "unsupported service", http.StatusBadRequest)
		return
	}
	if errors.Is(err, errOtherApp) {
		n.reject(ctx, w, err)
		return
	}
	if errors.Is(err, replay.ErrRefused) || errors.Is(err, store.ErrUnavailable) {
		n.failed(ctx, w, err)
		return
	}
	if err != nil {
		n.log.ErrorContext(ctx, "notify: handle Life Account call", "error", err)
		http.Error(w, "could not handle the notification", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=GBK")
	w.Write([]byte(reply))
}

// lifeAccountEvent records follows and unfollows in the ledger, once each and never over
// a newer event, and returns the signed ack. A replay is acknowledged like the original,
// so Alipay stops sending it.
func (n *notification) lifeAccountEvent(ctx context.Context, sign signer.Signer, biz string) (string, error) {
	ev, err := gateway.ParseLifeAccountEvent(biz)
	if err != nil {
		return "", fmt.Errorf("parse event: %w", err)
	}
	if ev.AppID != "" && ev.AppID != n.appID {
		return "", fmt.Errorf("%w: %q", errOtherApp, ev.AppID)
	}
	user := followerOf(ev)
	if change := followChange(ev.EventType); change != nil {
		key := store.SubscriptionKey{TenantID: n.ch.TenantID, ChannelID: n.ch.ID, User: user}
		res, err := n.deps.replay.Apply(ctx, replay.Event{TenantID: n.ch.TenantID, ChannelID: n.ch.ID,
			Key: replay.LifeAccountKey(ev.EventType, user.Kind, user.ID, ev.CreateTime), Time: ev.CreateTime,
			Change: &store.LedgerUpsert{Key: key, Change: *change}})
		if err != nil {
			return "", err
		}
		n.log.InfoContext(ctx, "notify: Life Account event", "event", ev.EventType, "user_kind", user.Kind,
			"replay", res.Duplicate, "superseded", res.Superseded)
	}
	return gateway.SignAck(ctx, sign, n.appID, user.ID, n.deps.now())
}

// followChange is what a follow or unfollow does to the follower's row (nil for events
// that change no row: clicks, enters, chats).
func followChange(event string) *store.SubscriptionChange {
	switch event {
	case gateway.EventFollow:
		return &store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE", StateReason: "followed the Life Account"}
	case gateway.EventUnfollow:
		return &store.SubscriptionChange{Kind: "FOLLOWER", State: "CANCELLED", StateReason: "unfollowed the Life Account"}
	}
	return nil
}

// followerOf names the user of an event: the 2088… user id when the event carries one,
// otherwise the open id (newer apps only get open ids).
func followerOf(ev *gateway.LifeAccountEvent) store.UserRef {
	for _, id := range []string{ev.FromAlipayUserID, ev.FromUserID} {
		if alipayUserIDPattern.MatchString(id) {
			return store.UserRef{Kind: kindUserID, ID: id}
		}
	}
	return store.UserRef{Kind: kindOpenID, ID: ev.FromUserID}
}

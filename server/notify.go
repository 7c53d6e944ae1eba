package server

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/reachhq/reach/clients/gateway"
	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
	"github.com/reachhq/reach/store"
)

// maxNotifyBody bounds an inbound notification.
const maxNotifyBody = 1 << 20

// errOtherApp: a genuine notification for another app that shares the Alipay key was
// posted to this channel's endpoint.
var errOtherApp = errors.New("notification is for another app")

// notifyPath is where Alipay posts a channel's asynchronous calls (the application
// gateway of a Life Account, the notify URL of other apps).
func notifyPath(tenantID, channelID string) string {
	return "/v1/notify/" + tenantID + "/" + channelID
}

// serveNotify receives Alipay's asynchronous calls for one channel. Every call is verified
// with the channel's Alipay key under the rule that applies to it (§3.1 or §3.2); anything
// unverified is rejected, logged, and changes nothing.
func (s *Server) serveNotify(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxNotifyBody)
	if err := r.ParseForm(); err != nil {
		s.edge.badNotifyBody(w, r, maxNotifyBody, err)
		return
	}
	ch, err := s.deps.store.GetChannel(ctx, r.PathValue("tenant"), r.PathValue("channel"))
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.ErrorContext(ctx, "notify: load channel", "error", err)
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	n := &notification{Server: s, ch: ch, log: s.log.With("tenant", ch.TenantID, "channel", ch.ID)}
	if err := n.load(); err != nil {
		n.log.WarnContext(ctx, "notify: channel cannot verify notifications", "error", err)
		http.Error(w, "channel cannot verify notifications", http.StatusConflict)
		return
	}
	if r.PostForm.Has("service") {
		if ch.Type != typeLifeAccount {
			n.reject(ctx, w, fmt.Errorf("a Life Account gateway call (service=%q) for a %s channel", r.PostForm.Get("service"), ch.Type))
			return
		}
		n.lifeAccount(ctx, w, r)
		return
	}
	if err := gateway.VerifyNotification(r.PostForm, n.alipayKey); err != nil {
		n.reject(ctx, w, err)
		return
	}
	if id := r.PostForm.Get("app_id"); id != "" && id != n.appID {
		n.reject(ctx, w, fmt.Errorf("%w: %q", errOtherApp, id))
		return
	}
	n.log.InfoContext(ctx, "notify: notification received", "msg_method", r.PostForm.Get("msg_method"), "notify_id", r.PostForm.Get("notify_id"))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("success")) // exactly these 7 bytes, or Alipay sends it again (§3.1)
}

// notification is one inbound call with the channel's keys loaded.
type notification struct {
	*Server
	ch        *store.Channel
	log       *slog.Logger
	alipayKey *rsa.PublicKey
	appID     string
}

// load reads the channel's Alipay public key, to verify. The app key, to sign replies, is
// opened only once a call has verified (signer), so unsigned requests cost no decryption.
func (n *notification) load() error {
	c, err := channelToProto(n.ch)
	if err != nil {
		return err
	}
	op := c.GetOpenPlatform()
	if op == nil {
		return fmt.Errorf("%s channels receive no Open Platform notifications", n.ch.Type)
	}
	pubText := op.AlipayPublicKey
	if pubText == "" {
		pubText = op.AlipayPublicCert
	}
	if n.alipayKey, err = rsakey.ParsePublicKey(pubText); err != nil {
		return fmt.Errorf("alipay public key: %w", err)
	}
	n.appID = op.AppId
	return nil
}

// replySigner returns the app key that signs replies; call it only after verification.
func (n *notification) replySigner() (signer.Signer, error) {
	sec, err := n.deps.conn.OpenSecrets(n.ch)
	if err != nil {
		return nil, err
	}
	priv, err := rsakey.ParsePrivateKey(sec.AppPrivateKey)
	if err != nil {
		return nil, fmt.Errorf("app private key: %w", err)
	}
	return signer.NewRSA(priv), nil
}

func (n *notification) reject(ctx context.Context, w http.ResponseWriter, err error) {
	n.log.WarnContext(ctx, "notify: rejected a notification that does not verify", "error", err)
	http.Error(w, "signature verification failed", http.StatusForbidden)
}

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
	if err != nil {
		n.log.ErrorContext(ctx, "notify: handle Life Account call", "error", err)
		http.Error(w, "could not handle the notification", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=GBK")
	w.Write([]byte(reply))
}

// lifeAccountEvent records follows and unfollows in the ledger and returns the signed ack.
func (n *notification) lifeAccountEvent(ctx context.Context, sign signer.Signer, biz string) (string, error) {
	ev, err := gateway.ParseLifeAccountEvent(biz)
	if err != nil {
		return "", fmt.Errorf("parse event: %w", err)
	}
	if ev.AppID != "" && ev.AppID != n.appID {
		return "", fmt.Errorf("%w: %q", errOtherApp, ev.AppID)
	}
	user := followerOf(ev)
	key := store.SubscriptionKey{TenantID: n.ch.TenantID, ChannelID: n.ch.ID, User: user}
	if n.stale(ctx, key, ev.CreateTime) {
		n.log.WarnContext(ctx, "notify: ignored a stale Life Account event (replayed?)", "event", ev.EventType, "created", ev.CreateTime)
		return gateway.SignAck(ctx, sign, n.appID, user.ID, n.deps.now())
	}
	switch ev.EventType {
	case gateway.EventFollow:
		_, err = n.deps.store.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE", StateReason: "followed the Life Account"})
	case gateway.EventUnfollow:
		_, err = n.deps.store.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "FOLLOWER", State: "CANCELLED", StateReason: "unfollowed the Life Account"})
	}
	if err != nil {
		return "", err
	}
	n.log.InfoContext(ctx, "notify: Life Account event", "event", ev.EventType, "user_kind", user.Kind)
	return gateway.SignAck(ctx, sign, n.appID, user.ID, n.deps.now())
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

// replayWindow is how much older than the follower's last change an event may be and still
// apply. A signed event captured and posted again later is ignored; events a little out of
// order (or clocks a little apart) still apply.
const replayWindow = 5 * time.Minute

// stale reports whether an event predates the follower's last recorded change by more than
// replayWindow.
func (n *notification) stale(ctx context.Context, key store.SubscriptionKey, created time.Time) bool {
	if created.IsZero() {
		return false
	}
	row, err := n.deps.store.FindSubscription(ctx, key.TenantID, key.ChannelID, key.TemplateID, key.User)
	return err == nil && created.Before(row.UpdateTime.Add(-replayWindow))
}

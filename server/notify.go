package server

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/reachhq/reach/clients/gateway"
	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
	"github.com/reachhq/reach/internal/replay"
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
	n.message(ctx, w, r.PostForm)
}

// message records a verified §3.1 notification once. Nothing in Reach acts on these yet,
// but a replay is recognised all the same, and a stale one refused.
func (n *notification) message(ctx context.Context, w http.ResponseWriter, form url.Values) {
	ev := replay.Event{TenantID: n.ch.TenantID, ChannelID: n.ch.ID, Key: replay.MessageKey(form.Get("notify_id"), form.Get("sign")), Time: replay.MessageTime(form)}
	res, err := n.deps.replay.Apply(ctx, ev)
	if n.failed(ctx, w, err) {
		return
	}
	n.log.InfoContext(ctx, "notify: notification received", "msg_method", form.Get("msg_method"), "notify_id", form.Get("notify_id"), "replay", res.Duplicate)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("success")) // exactly these 7 bytes, or Alipay sends it again (§3.1)
}

// failed answers a notification that could not be applied: a refused one (too old, from
// the future, undated) with 400, a store failure with 503 so Alipay tries again.
func (n *notification) failed(ctx context.Context, w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, replay.ErrRefused):
		n.log.WarnContext(ctx, "notify: refused a stale notification (replayed?)", "error", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
	default:
		n.log.ErrorContext(ctx, "notify: record notification", "error", err)
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}
	return true
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

package server

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/stdwebhook"
	"github.com/reachhq/reach/internal/webhookurl"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/webhooks"
)

// webhookStates are the states as stored: the enum names without their prefix.
var webhookStates = []string{"ENABLED", "DISABLED"}

// previousSecretGrace is how long a rotated-out secret still signs, so receivers can
// switch to the new one without dropping a call.
const previousSecretGrace = 24 * time.Hour

func webhookName(id string) string { return "webhooks/" + id }

// webhookRef parses "webhooks/{webhook}" into f.
func webhookRef(f *fieldErrors, field, name string) string {
	ids, ok := parseName(name, "webhooks/*")
	if !ok {
		f.add(field, `must be a webhook name "webhooks/{webhook}"`)
		return ""
	}
	return ids[0]
}

// checkWebhook validates the tenant-settable fields of w (prefix is "webhook.").
func checkWebhook(f *fieldErrors, p string, w *reachv1.Webhook, policy webhookurl.Policy) {
	if w.Url == "" {
		f.add(p+"url", "required: the https URL Reach posts events to")
	} else if err := policy.Check(w.Url); err != nil {
		f.add(p+"url", err.Error())
	}
	if len(w.EventTypes) == 0 {
		f.add(p+"event_types", "required: at least one of "+strings.Join(webhooks.EventTypes, ", "))
	}
	for i, t := range w.EventTypes {
		field := fmt.Sprintf("%sevent_types[%d]", p, i)
		switch {
		case !slices.Contains(webhooks.EventTypes, t):
			f.add(field, fmt.Sprintf("unknown event type %q; known: %s", t, strings.Join(webhooks.EventTypes, ", ")))
		case slices.Contains(w.EventTypes[:i], t):
			f.add(field, fmt.Sprintf("%q is listed twice", t))
		}
	}
	if utf8.RuneCountInString(w.Description) > 500 {
		f.add(p+"description", "must be at most 500 characters")
	}
}

// webhookToProto turns a stored webhook into its API form; the secrets stay sealed.
func webhookToProto(w *store.Webhook) *reachv1.Webhook {
	return &reachv1.Webhook{
		Name: webhookName(w.ID), Url: w.URL, EventTypes: slices.Clone(w.EventTypes),
		Description: w.Description,
		State:       reachv1.WebhookState(reachv1.WebhookState_value["WEBHOOK_STATE_"+w.State]),
		StateReason: w.StateReason,
		SigningSecretInfo: &reachv1.SecretInfo{Set: len(w.Secret) > 0,
			Fingerprint: w.SecretFingerprint},
		PreviousSecretExpireTime: tsp(w.PreviousSecretExpireTime),
		CreateTime:               ts(w.CreateTime), UpdateTime: ts(w.UpdateTime), Etag: etag(w.Revision),
	}
}

// newSigningSecret generates a secret and seals it into w as the current one; the
// plaintext is returned for the one response that shows it.
func newSigningSecret(keys *secrets.KeyRing, w *store.Webhook) (string, error) {
	secret, err := stdwebhook.NewSecret()
	if err != nil {
		return "", err
	}
	sealed, err := keys.Seal([]byte(secret), w.SecretAD("secret"))
	if err != nil {
		return "", err
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, stdwebhook.SecretPrefix))
	w.Secret, w.SecretFingerprint = sealed, shortFingerprint(raw)
	return secret, nil
}

// rotateSigningSecret moves the current secret to the previous slot (sealed again for
// that column: ciphertexts are bound to theirs) until now+grace, and makes a new one
// current. A previous secret still in its grace period is dropped: two are kept, no more.
func rotateSigningSecret(keys *secrets.KeyRing, w *store.Webhook, now time.Time) (string, error) {
	w.PreviousSecret, w.PreviousSecretExpireTime = nil, nil
	if len(w.Secret) > 0 {
		current, err := keys.Open(w.Secret, w.SecretAD("secret"))
		if err != nil {
			return "", fmt.Errorf("open signing secret of webhook %s: %w", w.ID, err)
		}
		if w.PreviousSecret, err = keys.Seal(current, w.SecretAD("previous_secret")); err != nil {
			return "", err
		}
		expire := now.Add(previousSecretGrace)
		w.PreviousSecretExpireTime = &expire
	}
	return newSigningSecret(keys, w)
}

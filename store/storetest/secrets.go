package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/reachhq/reach/store"
)

// rotate is a stand-in key ring: it rewrites "old:" ciphertexts and keeps others, and
// records each value with the associated data of the record that holds it.
func rotate(seen *[]string) func(store.SecretRef, []byte) ([]byte, error) {
	return func(ref store.SecretRef, c []byte) ([]byte, error) {
		*seen = append(*seen, string(ref.AssociatedData())+"="+string(c))
		if rest, ok := bytes.CutPrefix(c, []byte("old:")); ok {
			return append([]byte("new:"), rest...), nil
		}
		return c, nil
	}
}

func testReencryptSecrets(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	withSecret := func(tenantID, id string, secret []byte) {
		c := newChannel(tenantID, id)
		c.Secrets = secret
		must(t, s.CreateChannel(ctx, c))
	}
	withSecret(t1, "ch1", []byte("old:a"))
	withSecret(t1, "ch2", nil)
	withSecret(t1, "ch3", []byte("new:c"))
	withSecret(t2, "ch1", []byte("old:b"))
	auth, err := s.ApplySubscription(ctx, store.SubscriptionKey{TenantID: t1, ChannelID: "ch1", User: store.UserRef{Kind: "CUSTOMER_ID", ID: "c1"}},
		store.SubscriptionChange{Kind: "AUTHORIZATION", AccessToken: []byte("old:t"), RefreshToken: []byte("old:r")})
	must(t, err)
	plain, err := s.ApplySubscription(ctx, subKey(t1, "ch1", "tpl1", "u1"), store.SubscriptionChange{Kind: "TEMPLATE", AddSends: 1})
	must(t, err)
	hook := newWebhook(t2, "wh1")
	hook.Secret, hook.PreviousSecret, hook.PreviousSecretExpireTime = []byte("old:s"), []byte("old:p"), at(9)
	must(t, s.CreateWebhook(ctx, hook))
	fresh := newWebhook(t1, "wh2") // one secret, no previous one
	fresh.Secret = []byte("new:s")
	must(t, s.CreateWebhook(ctx, fresh))

	var seen []string
	n, err := s.ReencryptSecrets(ctx, rotate(&seen))
	must(t, err)
	if n != 6 {
		t.Fatalf("rewrote %d values, want 6 (seen %q)", n, seen)
	}
	if len(seen) != 8 {
		t.Fatalf("fn saw %q, want the 8 non-empty ciphertexts", seen)
	}
	for _, want := range []string{
		"channel/" + t1 + "/ch1=old:a",
		"channel/" + t2 + "/ch1=old:b",
		"subscription/" + t1 + "/ch1/" + auth.ID + "/access_token=old:t",
		"subscription/" + t1 + "/ch1/" + auth.ID + "/refresh_token=old:r",
		"webhook/" + t2 + "//wh1/secret=old:s",
		"webhook/" + t2 + "//wh1/previous_secret=old:p",
	} {
		if !slices.Contains(seen, want) {
			t.Fatalf("fn did not see %q with its record (saw %q)", want, seen)
		}
	}
	for _, c := range []struct{ tenant, id, want string }{{t1, "ch1", "new:a"}, {t1, "ch3", "new:c"}, {t2, "ch1", "new:b"}} {
		got, err := s.GetChannel(ctx, c.tenant, c.id)
		must(t, err)
		if string(got.Secrets) != c.want || got.Revision != 1 {
			t.Fatalf("channel %s: secrets %q revision %d", c.id, got.Secrets, got.Revision)
		}
	}
	empty, err := s.GetChannel(ctx, t1, "ch2")
	must(t, err)
	if empty.Secrets != nil {
		t.Fatalf("empty secrets became %q", empty.Secrets)
	}
	got, err := s.GetSubscription(ctx, t1, "ch1", auth.ID)
	must(t, err)
	if string(got.AccessToken) != "new:t" || string(got.RefreshToken) != "new:r" || got.Revision != auth.Revision {
		t.Fatalf("tokens %q/%q revision %d", got.AccessToken, got.RefreshToken, got.Revision)
	}
	got, err = s.GetSubscription(ctx, t1, "ch1", plain.ID)
	must(t, err)
	wantEqual(t, "subscription without tokens", got, plain)
	gotHook, err := s.GetWebhook(ctx, t2, "wh1")
	must(t, err)
	if string(gotHook.Secret) != "new:s" || string(gotHook.PreviousSecret) != "new:p" || gotHook.Revision != 1 {
		t.Fatalf("webhook secrets %q/%q revision %d", gotHook.Secret, gotHook.PreviousSecret, gotHook.Revision)
	}
	gotHook, err = s.GetWebhook(ctx, t1, "wh2")
	must(t, err)
	wantEqual(t, "webhook with a current secret", gotHook, fresh)

	seen = nil
	n, err = s.ReencryptSecrets(ctx, rotate(&seen))
	must(t, err)
	if n != 0 || len(seen) != 8 {
		t.Fatalf("second pass rewrote %d of %d", n, len(seen))
	}

	boom := errors.New("key ring sealed")
	withSecret(t1, "ch4", []byte("old:d"))
	_, err = s.ReencryptSecrets(ctx, func(store.SecretRef, []byte) ([]byte, error) { return nil, boom })
	wantErr(t, err, boom)
}

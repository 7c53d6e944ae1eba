package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reachhq/reach/clients"
	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/rsakey"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// verifyTimeout bounds how long a create, update or enable waits for Alipay: past it the
// call returns with the channel UNVERIFIED and a reason, rather than hanging.
const verifyTimeout = 4 * time.Second

// adapterFor builds the product adapter of a stored channel with its secrets opened. An
// Alipay certificate the adapter adopts after a rotation is saved on the channel.
func (d *deps) adapterFor(ch *store.Channel) (adapter.Adapter, error) {
	tenantID, channelID := ch.TenantID, ch.ID
	return d.buildAdapter(ch, func(ctx context.Context, certPEM string) error {
		return d.saveAlipayCert(ctx, tenantID, channelID, certPEM)
	})
}

// buildAdapter builds the adapter of ch; onCert receives an Alipay certificate adopted
// after a rotation.
func (d *deps) buildAdapter(ch *store.Channel, onCert func(ctx context.Context, certPEM string) error) (adapter.Adapter, error) {
	c, err := channelToProto(ch)
	if err != nil {
		return nil, err
	}
	sec, err := d.openSecrets(ch)
	if err != nil {
		return nil, err
	}
	creds := credentialsOf(c, sec)
	creds.OnAlipayCert = onCert
	return clients.NewAdapter(ch.Type, creds, nil)
}

// saveAlipayCert keeps the Alipay certificate an adapter adopted after a rotation, so that
// notifications (verified with the stored certificate) and later adapters use it too.
func (d *deps) saveAlipayCert(ctx context.Context, tenantID, channelID, certPEM string) error {
	return retryConflicts(conflictAttempts, func() error {
		ch, err := d.store.GetChannel(ctx, tenantID, channelID)
		if err != nil {
			return err
		}
		changed, err := adoptAlipayCert(ch, certPEM)
		if err != nil || !changed {
			return err
		}
		if err := d.store.UpdateChannel(ctx, ch); err != nil {
			return err
		}
		d.log.InfoContext(ctx, "stored Alipay's rotated certificate", "channel", channelID)
		return nil
	})
}

// adoptAlipayCert puts a rotated Alipay certificate into ch's configuration (not saved) and
// reports whether it changed anything.
func adoptAlipayCert(ch *store.Channel, certPEM string) (bool, error) {
	pub, err := rsakey.ParsePublicKey(certPEM)
	if err != nil {
		return false, err
	}
	c, err := channelToProto(ch)
	if err != nil {
		return false, err
	}
	op := c.GetOpenPlatform()
	if op == nil || op.AlipayPublicCert == certPEM {
		return false, nil
	}
	op.AlipayPublicCert, op.AlipayPublicKeyFingerprint = certPEM, rsakey.Fingerprint(pub)
	ch.Config, err = channelConfigOf(c)
	return err == nil, err
}

// credentialsOf assembles the clear credentials an adapter needs.
func credentialsOf(c *reachv1.Channel, sec channelSecrets) adapter.Credentials {
	if op := c.GetOpenPlatform(); op != nil {
		return adapter.Credentials{
			AppID: op.AppId, AppPrivateKey: sec.AppPrivateKey, AlipayPublicKey: op.AlipayPublicKey,
			AppPublicCert: op.AppPublicCert, AlipayPublicCert: op.AlipayPublicCert, AlipayRootCert: op.AlipayRootCert,
			EncryptKey: sec.EncryptKey, GatewayURL: op.GatewayUrl,
		}
	}
	ap := c.GetAlipayPlus()
	return adapter.Credentials{
		AppID: ap.GetAppId(), ClientID: ap.GetClientId(), MerchantPrivateKey: sec.MerchantPrivateKey,
		PlatformPublicKey: ap.GetPlatformPublicKey(), KeyVersion: ap.GetKeyVersion(), AuthClientID: ap.GetAuthClientId(),
		CustomerBelongsTo: ap.GetCustomerBelongsTo(), GatewayURL: ap.GetGatewayUrl(),
	}
}

// verify checks ch's credentials with Alipay and records the outcome in ch (not saved):
// ENABLED when Alipay accepted them, AUTH_FAILED with Alipay's code when it rejected them,
// UNVERIFIED with the reason when the check could not run.
func (d *deps) verify(ctx context.Context, ch *store.Channel) {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	err := d.checkCredentials(ctx, ch)
	now := d.now()
	var ae *alipayerr.Error
	switch {
	case err == nil:
		ch.State, ch.StateReason, ch.VerifyTime = "ENABLED", "verified with Alipay", &now
	case errors.As(err, &ae) && ae.Class == alipayerr.Auth:
		ch.State, ch.StateReason, ch.VerifyTime = "AUTH_FAILED", "Alipay rejected the credentials: "+ae.Reason()+" "+cmp.Or(ae.SubMsg, ae.Msg, errString(ae.Err)), &now
	default:
		// A check that could not run says nothing about the credentials: a channel Alipay
		// accepted (or rejected) keeps that state, so an outage never stops a working
		// channel; only the reason tells. New and rotated credentials are UNVERIFIED already.
		ch.StateReason = "verification could not run: " + err.Error()
		d.log.WarnContext(ctx, "channel verification could not run", "channel", ch.ID, "error", err)
	}
}

func (d *deps) checkCredentials(ctx context.Context, ch *store.Channel) error {
	// A certificate adopted during the check goes into the record being verified, which
	// the caller saves (it may not exist in the store yet).
	a, err := d.buildAdapter(ch, func(_ context.Context, certPEM string) error {
		_, err := adoptAlipayCert(ch, certPEM)
		return err
	})
	if err != nil {
		return fmt.Errorf("build adapter: %w", err)
	}
	return a.Verify(ctx)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

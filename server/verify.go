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

// adapterFor builds the product adapter of a stored channel with its secrets opened.
func (d *deps) adapterFor(ch *store.Channel) (adapter.Adapter, error) {
	c, err := channelToProto(ch)
	if err != nil {
		return nil, err
	}
	sec, err := d.openSecrets(ch)
	if err != nil {
		return nil, err
	}
	creds := credentialsOf(c, sec)
	tenantID, channelID := ch.TenantID, ch.ID
	creds.OnAlipayCert = func(ctx context.Context, certPEM string) error {
		return d.saveAlipayCert(ctx, tenantID, channelID, certPEM)
	}
	return clients.NewAdapter(ch.Type, creds, nil)
}

// saveAlipayCert keeps the Alipay certificate an adapter adopted after a rotation, so that
// notifications (verified with the stored certificate) and later adapters use it too.
func (d *deps) saveAlipayCert(ctx context.Context, tenantID, channelID, certPEM string) error {
	pub, err := rsakey.ParsePublicKey(certPEM)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		ch, err := d.store.GetChannel(ctx, tenantID, channelID)
		if err != nil {
			return err
		}
		c, err := channelToProto(ch)
		if err != nil {
			return err
		}
		op := c.GetOpenPlatform()
		if op == nil || op.AlipayPublicCert == certPEM {
			return nil
		}
		op.AlipayPublicCert, op.AlipayPublicKeyFingerprint = certPEM, rsakey.Fingerprint(pub)
		if ch.Config, err = channelConfigOf(c); err != nil {
			return err
		}
		err = d.store.UpdateChannel(ctx, ch)
		if err == nil {
			d.log.InfoContext(ctx, "stored Alipay's rotated certificate", "channel", channelID, "fingerprint", op.AlipayPublicKeyFingerprint)
		}
		if err == nil || !isConflict(err) || attempt == 4 {
			return err
		}
	}
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
		ch.State, ch.StateReason = "UNVERIFIED", "verification could not run: "+err.Error()
		d.log.WarnContext(ctx, "channel verification could not run", "channel", ch.ID, "error", err)
	}
}

func (d *deps) checkCredentials(ctx context.Context, ch *store.Channel) error {
	a, err := d.adapterFor(ch)
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

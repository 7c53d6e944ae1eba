package server

import (
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// Channel states and types as stored: the enum names without their prefix.
var (
	channelTypes  = []string{"ALIPAY_LIFE_ACCOUNT", "ALIPAY_MINI_PROGRAM", "ALIPAY_PLUS_MINI_PROGRAM"}
	channelStates = []string{"UNVERIFIED", "ENABLED", "AUTH_FAILED", "DISABLED"}
)

const (
	typeLifeAccount = "ALIPAY_LIFE_ACCOUNT"
	typeMiniProgram = "ALIPAY_MINI_PROGRAM"
	typeAlipayPlus  = "ALIPAY_PLUS_MINI_PROGRAM"
)

// reasonNotVerified is the state reason of a channel whose credentials Reach has not checked
// with Alipay yet.
const reasonNotVerified = "credentials not verified with Alipay yet"

func channelTypeName(t reachv1.ChannelType) string {
	return shortEnum(t.String(), "CHANNEL_TYPE_")
}

// channelConfigOf returns the non-secret part of a channel as stored in store.Channel.Config:
// the credentials (secrets already removed) and the delivery policy, as protobuf JSON.
func channelConfigOf(c *reachv1.Channel) ([]byte, error) {
	cfg := &reachv1.Channel{DeliveryPolicy: c.DeliveryPolicy}
	switch cr := c.Credentials.(type) {
	case *reachv1.Channel_OpenPlatform:
		cfg.Credentials = &reachv1.Channel_OpenPlatform{OpenPlatform: cr.OpenPlatform}
	case *reachv1.Channel_AlipayPlus:
		cfg.Credentials = &reachv1.Channel_AlipayPlus{AlipayPlus: cr.AlipayPlus}
	}
	return protojson.Marshal(cfg)
}

// channelToProto turns a stored channel into its API form (never with secrets: the
// sealed part is not even opened).
func channelToProto(c *store.Channel) (*reachv1.Channel, error) {
	out := &reachv1.Channel{}
	if len(c.Config) > 0 {
		if err := protojson.Unmarshal(c.Config, out); err != nil {
			return nil, fmt.Errorf("decode channel %s config: %w", c.ID, err)
		}
	}
	out.Name = channelName(c.ID)
	out.DisplayName = c.DisplayName
	out.Type = reachv1.ChannelType(reachv1.ChannelType_value["CHANNEL_TYPE_"+c.Type])
	out.State = reachv1.ChannelState(reachv1.ChannelState_value["CHANNEL_STATE_"+c.State])
	out.StateReason = c.StateReason
	out.VerifyTime = tsp(c.VerifyTime)
	out.CreateTime = ts(c.CreateTime)
	out.UpdateTime = ts(c.UpdateTime)
	out.Etag = etag(c.Revision)
	out.NotifyPath = notifyPath(c.TenantID, c.ID)
	return out, nil
}

// sealSecrets encrypts a channel's secrets, bound to the channel so the ciphertext cannot
// be moved to another row.
func (d *deps) sealSecrets(tenantID, channelID string, s channelSecrets) ([]byte, error) {
	plain, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return d.keys.Seal(plain, secretAD(tenantID, channelID))
}

// openSecrets decrypts a channel's secrets (only to merge an update; never returned).
func (d *deps) openSecrets(c *store.Channel) (channelSecrets, error) {
	var s channelSecrets
	if len(c.Secrets) == 0 {
		return s, nil
	}
	plain, err := d.keys.Open(c.Secrets, secretAD(c.TenantID, c.ID))
	if err != nil {
		return s, fmt.Errorf("open secrets of channel %s: %w", c.ID, err)
	}
	return s, json.Unmarshal(plain, &s)
}

// secretAD is the additional data that binds a channel's sealed secrets to it (the same
// the store reports when the key ring is rotated).
func secretAD(tenantID, channelID string) []byte {
	return store.SecretRef{Kind: "channel", TenantID: tenantID, ChannelID: channelID, Column: "secrets"}.AssociatedData()
}

// withSecrets returns a copy of the stored credentials with the secrets put back, so an
// update can be merged and validated as a whole.
func withSecrets(c *reachv1.Channel, s channelSecrets) *reachv1.Channel {
	out := proto.Clone(c).(*reachv1.Channel)
	switch cr := out.Credentials.(type) {
	case *reachv1.Channel_OpenPlatform:
		cr.OpenPlatform.AppPrivateKey, cr.OpenPlatform.EncryptKey = s.AppPrivateKey, s.EncryptKey
	case *reachv1.Channel_AlipayPlus:
		cr.AlipayPlus.MerchantPrivateKey = s.MerchantPrivateKey
	}
	return out
}

func shortEnum(name, prefix string) string {
	if len(name) > len(prefix) && name[:len(prefix)] == prefix {
		return name[len(prefix):]
	}
	return ""
}

package server

import (
	"google.golang.org/protobuf/proto"

	"github.com/reachhq/reach/appconn"
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

// channelToProto turns a stored channel into its API form (never with secrets: the
// sealed part is not even opened).
func channelToProto(c *store.Channel) (*reachv1.Channel, error) {
	out, err := appconn.Config(c)
	if err != nil {
		return nil, err
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

// withSecrets returns a copy of the stored credentials with the secrets put back, so an
// update can be merged and validated as a whole.
func withSecrets(c *reachv1.Channel, s appconn.Secrets) *reachv1.Channel {
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

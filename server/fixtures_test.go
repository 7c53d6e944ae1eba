package server

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// Test keys are generated once per test binary: RSA generation is slow.
var (
	keysOnce             sync.Once
	appKeyPEM, alipayPub string
	merchantKeyPEM       string
)

func testKeys(t *testing.T) (appPriv, alipayPubKey string) {
	t.Helper()
	keysOnce.Do(func() {
		appKeyPEM = genKeyPEM(t, false)
		alipayPub = genKeyPEM(t, true)
		merchantKeyPEM = genKeyPEM(t, false)
	})
	return appKeyPEM, alipayPub
}

func genKeyPEM(t *testing.T, public bool) string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if public {
		der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// miniChannel is a valid mini program channel to create.
func miniChannel(t *testing.T) *reachv1.Channel {
	priv, pub := testKeys(t)
	return &reachv1.Channel{
		DisplayName: "Acme mini", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM,
		Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: "2021000000000001", AppPrivateKey: priv, AlipayPublicKey: pub}},
	}
}

// lifeChannel is a valid Life Account channel to create.
func lifeChannel(t *testing.T) *reachv1.Channel {
	c := miniChannel(t)
	c.DisplayName, c.Type = "Acme life", reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT
	return c
}

// plusChannel is a valid Alipay+ channel to create.
func plusChannel(t *testing.T) *reachv1.Channel {
	testKeys(t)
	return &reachv1.Channel{
		DisplayName: "Acme plus", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM,
		Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{
			ClientId: "2022000000000001", MerchantPrivateKey: merchantKeyPEM, PlatformPublicKey: alipayPub,
			AppId: "3333000000000001", GatewayUrl: "https://open-sea-global.alipay.com/api/open"}},
	}
}

// createChannel creates ch with id as admin of acme.
func (e *testEnv) createChannel(id string, ch *reachv1.Channel) *reachv1.Channel {
	e.t.Helper()
	resp := &reachv1.CreateChannelResponse{}
	e.must(mCreateChannel, &reachv1.CreateChannelRequest{ChannelId: id, Channel: ch}, resp)
	return resp.Channel
}

// oneTimeTemplate creates a one-time mini program template with two keywords.
func (e *testEnv) oneTimeTemplate(channelID, id, externalID string) *reachv1.Template {
	e.t.Helper()
	resp := &reachv1.CreateTemplateResponse{}
	e.must(mCreateTemplate, &reachv1.CreateTemplateRequest{Parent: "channels/" + channelID, TemplateId: id, Template: &reachv1.Template{
		ExternalId: externalID, DisplayName: "Order shipped", SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME,
		Keywords: []*reachv1.TemplateKeyword{{Key: "keyword1", Label: "订单号"}, {Key: "keyword2", Label: "快递公司"}},
	}}, resp)
	return resp.Template
}

package main

// Walk-through steps 1 and 2: a channel per Alipay product, then a template on each.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// demoChannels are the channels to create: the simulator's apps, with their test keys,
// and the simulator as their Alipay.
func (d *demoRun) demoChannels() ([]*reachv1.Channel, error) {
	keys := map[string]string{}
	for _, name := range []string{demoLifeKey, demoMiniKey, demoPlusKey} {
		b, err := os.ReadFile(filepath.Join(d.env.keyDir, name))
		if err != nil {
			return nil, fmt.Errorf("the simulator's test key: %w", err)
		}
		keys[name] = string(b)
	}
	// The simulator's settings for its apps (checkSimConfig made sure they are there).
	mini, _ := findSimApp(d.env.simConfig, demoMiniApp)
	plus, _ := findSimApp(d.env.simConfig, demoPlusApp)
	sim := d.env.sim
	openPlatform := func(appID, key, encryptKey string) *reachv1.Channel_OpenPlatform {
		return &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: appID, AppPrivateKey: keys[key], AlipayPublicKey: sim.AlipayPublicKeyPEM(),
			EncryptKey: encryptKey, GatewayUrl: sim.GatewayURL()}}
	}
	return []*reachv1.Channel{
		{Name: "demo-life", DisplayName: "Demo Life Account", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT,
			Credentials: openPlatform(demoLifeApp, demoLifeKey, "")},
		// The simulator's mini program has an AES key (接口内容加密); Reach encrypts with it.
		{Name: "demo-mini", DisplayName: "Demo mini program", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM,
			Credentials: openPlatform(demoMiniApp, demoMiniKey, mini.EncryptKey)},
		{Name: "demo-plus", DisplayName: "Demo Alipay+ mini program", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM,
			Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{
				ClientId: plus.ClientID, MerchantPrivateKey: keys[demoPlusKey], PlatformPublicKey: sim.PlatformPublicKeyPEM(),
				AppId: demoPlusApp, CustomerBelongsTo: "ALIPAY_HK", GatewayUrl: sim.URL() + "/api/open"}}},
	}, nil
}

func (d *demoRun) createChannels(ctx context.Context) error {
	chans, err := d.demoChannels()
	if err != nil {
		return err
	}
	d.channels = map[string]*reachv1.Channel{}
	for _, c := range chans {
		id := c.Name
		c.Name = "" // output only; the id goes in the query
		var resp reachv1.CreateChannelResponse
		if err := d.api.call(ctx, http.MethodPost, "/v1/channels?channelId="+id, c, &resp); err != nil {
			return err
		}
		ch := resp.Channel
		d.api.result("%s  %s  %s  (%s)", ch.Name, short(ch.Type), ch.State, ch.StateReason)
		if ch.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
			return fmt.Errorf("channel %s is %s, not CHANNEL_STATE_ENABLED: %s", ch.Name, ch.State, ch.StateReason)
		}
		d.channels[id] = ch
	}
	fmt.Fprintln(d.out, "    (private keys are sealed with the key ring and never returned, only their fingerprints)")
	return nil
}

// templateAnswer is the answer to each of the three ways of making a template.
type templateAnswer interface {
	proto.Message
	GetTemplate() *reachv1.Template
}

func (d *demoRun) createTemplates(ctx context.Context) error {
	for _, c := range []struct {
		path string
		body proto.Message
		resp templateAnswer
	}{
		{"/v1/channels/demo-life/templates:claim", &reachv1.ClaimTemplateRequest{
			TemplateId: "payment", LibCode: demoLibCode, Keywords: []string{"交易金额", "交易地点"},
			FirstEnabled: true, RemarkEnabled: true,
		}, &reachv1.ClaimTemplateResponse{}},
		{"/v1/channels/demo-mini/templates:import", &reachv1.ImportTemplateRequest{
			TemplateId: "order-shipped", ExternalId: demoMiniTemplate, DisplayName: "Order shipped",
			SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME,
			Content:          "keyword1: 订单号\nkeyword2: 快递公司\nkeyword3: 运单号", // as copied from the console
		}, &reachv1.ImportTemplateResponse{}},
		{"/v1/channels/demo-plus/templates?templateId=order-ready", &reachv1.Template{
			ExternalId: demoPlusTemplate, DisplayName: "Order ready for pickup",
			Keywords: []*reachv1.TemplateKeyword{{Key: "orderNo", Label: "Order number"}, {Key: "storeName", Label: "Store"}},
			Options: &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{
				Languages: []string{"en-US"}, RedirectUrl: "https://example.com/orders"}},
		}, &reachv1.CreateTemplateResponse{}},
	} {
		if err := d.api.call(ctx, http.MethodPost, c.path, c.body, c.resp); err != nil {
			return err
		}
		d.printTemplate(c.resp.GetTemplate())
	}
	return nil
}

func (d *demoRun) printTemplate(t *reachv1.Template) {
	var kws []string
	for _, k := range t.Keywords {
		kws = append(kws, k.Key+"="+k.Label)
	}
	d.api.result("%s  %s  external id %s  keywords %s", t.Name, t.State, t.ExternalId, strings.Join(kws, ", "))
}

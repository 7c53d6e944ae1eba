// Package deliverytest is a world for delivery tests and benchmarks: a simulated Alipay
// with one app per product, over real HTTP, and a tenant whose channels, templates and
// ledger rows use it, written straight into a store.
package deliverytest

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// The simulated Alipay apps of the world.
const (
	LifeApp    = "2021000000000021"
	MiniApp    = "2021000000000022"
	PlusApp    = "P000000000000002SIM1"
	PlusClient = "SIM_DELIVERY"
)

// Channel types as stored.
const (
	TypeLifeAccount = "ALIPAY_LIFE_ACCOUNT"
	TypeMiniProgram = "ALIPAY_MINI_PROGRAM"
	TypeAlipayPlus  = "ALIPAY_PLUS_MINI_PROGRAM"
)

// TB is the part of testing.TB the world uses (benchmark programs pass their own).
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// World holds channels, each ENABLED: "life" (template "lt1", Alipay's LT1), "mini"
// ("once" = MT1 one-time, "long" = MT2 long-term) and "plus" ("tp" = TP_1).
type World struct {
	T      TB
	Store  store.Store
	Sim    *alipaysim.TestServer
	Conn   *appconn.Connector
	Tenant string
}

// SimConfig is the simulator's configuration of the world's apps.
func SimConfig() alipaysim.Config {
	return alipaysim.Config{Apps: []alipaysim.App{
		{AppID: LifeApp, Product: alipaysim.LifeAccount,
			Templates: []alipaysim.Template{{ID: "LT1", Title: "订单状态提醒", Keywords: []string{"keyword1", "keyword2"}}}},
		{AppID: MiniApp, Product: alipaysim.MiniProgram, Templates: []alipaysim.Template{
			{ID: "MT1", Subscription: alipaysim.OneTime, Keywords: []string{"keyword1", "keyword2"}},
			{ID: "MT2", Subscription: alipaysim.LongTerm, Keywords: []string{"keyword1", "keyword2"}}}},
		{AppID: PlusApp, Product: alipaysim.AlipayPlus, ClientID: PlusClient,
			Templates: []alipaysim.Template{{ID: "TP_1", Keywords: []string{"orderNo"}}}},
	}}
}

// New starts the simulator (configured by mod, if set) and creates the tenant "acme" with
// the world's channels and templates in st; conn seals their secrets.
func New(t TB, st store.Store, conn *appconn.Connector, mod func(*alipaysim.Config)) *World {
	t.Helper()
	cfg := SimConfig()
	if mod != nil {
		mod(&cfg)
	}
	sim := alipaysim.NewTestServer(t, cfg)
	tn, err := st.EnsureTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	w := &World{T: t, Store: st, Sim: sim, Conn: conn, Tenant: tn.ID}
	w.channels()
	return w
}

// channels creates the three channels and their templates.
func (w *World) channels() {
	open := func(appID string) (*reachv1.Channel, appconn.Secrets) {
		return &reachv1.Channel{Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: appID, AlipayPublicKey: w.Sim.AlipayPublicKeyPEM(), GatewayUrl: w.Sim.GatewayURL()}}}, appconn.Secrets{AppPrivateKey: w.Sim.App(appID).PrivateKeyPEM}
	}
	cfg, sec := open(LifeApp)
	w.Channel("life", TypeLifeAccount, cfg, sec)
	cfg, sec = open(MiniApp)
	w.Channel("mini", TypeMiniProgram, cfg, sec)
	w.Channel("plus", TypeAlipayPlus, &reachv1.Channel{Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{
		ClientId: PlusClient, AppId: PlusApp, PlatformPublicKey: w.Sim.PlatformPublicKeyPEM(), GatewayUrl: w.Sim.URL() + "/api/open"}}},
		appconn.Secrets{MerchantPrivateKey: w.Sim.App(PlusApp).PrivateKeyPEM})
	life := &reachv1.Template{Options: &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{
		Url: "https://shop.example/orders", ActionName: "查看详情"}}}
	w.Template("life", "lt1", "LT1", "", life, "keyword1", "keyword2")
	mini := &reachv1.Template{Options: &reachv1.Template_MiniProgram{MiniProgram: &reachv1.MiniProgramTemplateOptions{Page: "pages/index"}}}
	w.Template("mini", "once", "MT1", "ONE_TIME", mini, "keyword1", "keyword2")
	w.Template("mini", "long", "MT2", "LONG_TERM", mini, "keyword1", "keyword2")
	plus := &reachv1.Template{Options: &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{Languages: []string{"en-US"}}}}
	w.Template("plus", "tp", "TP_1", "", plus, "orderNo")
}

func (w *World) Channel(id, typ string, cfg *reachv1.Channel, sec appconn.Secrets) {
	w.T.Helper()
	config, err := appconn.ConfigOf(cfg)
	if err != nil {
		w.T.Fatal(err)
	}
	sealed, err := w.Conn.SealSecrets(w.Tenant, id, sec)
	if err != nil {
		w.T.Fatal(err)
	}
	err = w.Store.CreateChannel(context.Background(), &store.Channel{TenantID: w.Tenant, ID: id, DisplayName: id, Type: typ,
		State: "ENABLED", StateReason: "verified with Alipay", Config: config, Secrets: sealed})
	if err != nil {
		w.T.Fatal(err)
	}
}

func (w *World) Template(channelID, id, external, subType string, opts *reachv1.Template, keys ...string) {
	w.T.Helper()
	b, err := protojson.Marshal(opts)
	if err != nil {
		w.T.Fatal(err)
	}
	t := &store.Template{TenantID: w.Tenant, ChannelID: channelID, ID: id, ExternalID: external, DisplayName: id,
		Options: b, SubscriptionType: subType, State: "ACTIVE"}
	for _, k := range keys {
		t.Keywords = append(t.Keywords, store.Keyword{Key: k})
	}
	if err := w.Store.CreateTemplate(context.Background(), t); err != nil {
		w.T.Fatal(err)
	}
}

// policy sets a channel's delivery policy.
func (w *World) Policy(channelID string, p *reachv1.DeliveryPolicy) {
	w.T.Helper()
	w.ChangeChannel(channelID, func(ch *store.Channel) {
		cfg, err := appconn.Config(ch)
		if err != nil {
			w.T.Fatal(err)
		}
		cfg.DeliveryPolicy = p
		if ch.Config, err = appconn.ConfigOf(cfg); err != nil {
			w.T.Fatal(err)
		}
	})
}

func (w *World) ChangeChannel(channelID string, change func(*store.Channel)) {
	w.T.Helper()
	ch, err := w.Store.GetChannel(context.Background(), w.Tenant, channelID)
	if err != nil {
		w.T.Fatal(err)
	}
	change(ch)
	if err := w.Store.UpdateChannel(context.Background(), ch); err != nil {
		w.T.Fatal(err)
	}
}

func (w *World) ChannelState(channelID string) *store.Channel {
	w.T.Helper()
	ch, err := w.Store.GetChannel(context.Background(), w.Tenant, channelID)
	if err != nil {
		w.T.Fatal(err)
	}
	return ch
}

// Users of the tests.
func UserID(n int) store.UserRef {
	return store.UserRef{Kind: "USER_ID", ID: fmt.Sprintf("2088%012d", n)}
}
func Customer(n int) store.UserRef {
	return store.UserRef{Kind: "CUSTOMER_ID", ID: fmt.Sprintf("CUST-%06d", n)}
}

// follow makes u follow the Life Account, at Alipay and in the ledger.
func (w *World) Follow(u store.UserRef) {
	w.T.Helper()
	if err := w.Sim.Follow(LifeApp, u.ID); err != nil {
		w.T.Fatal(err)
	}
	w.Ledger("life", "", u, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE", StateReason: "followed"})
}

// accept records n one-time acceptances (or a long-term subscription) of a mini-program
// template, at Alipay and in the ledger.
func (w *World) Accept(templateID, external string, u store.UserRef, n int) {
	w.T.Helper()
	if err := w.Sim.Subscribe(MiniApp, u.ID, external, n); err != nil {
		w.T.Fatal(err)
	}
	ch := store.SubscriptionChange{Kind: "TEMPLATE", Type: "LONG_TERM", State: "ACTIVE"}
	if templateID == "once" {
		ch = store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: int64(n), State: "ACTIVE"}
	}
	w.Ledger("mini", templateID, u, ch)
}

// authorize authorizes an Alipay+ customer through applyToken and keeps the tokens.
func (w *World) Authorize(u store.UserRef) {
	w.T.Helper()
	ctx := context.Background()
	code, _, err := w.Sim.IssueAuthCode(PlusApp, u.ID)
	if err != nil {
		w.T.Fatal(err)
	}
	ch := w.ChannelState("plus")
	authz, err := w.Conn.Authorizer(ch)
	if err != nil {
		w.T.Fatal(err)
	}
	tok, err := authz.ApplyToken(ctx, code)
	if err != nil {
		w.T.Fatal(err)
	}
	key := store.SubscriptionKey{TenantID: w.Tenant, ChannelID: "plus", User: u}
	row, err := w.Store.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "AUTHORIZATION"})
	if err != nil {
		w.T.Fatal(err)
	}
	if err := w.Conn.SealTokens(row, tok); err != nil {
		w.T.Fatal(err)
	}
	w.Ledger("plus", "", u, store.SubscriptionChange{Kind: "AUTHORIZATION", State: "ACTIVE", StateReason: "authorized",
		AccessToken: row.AccessToken, RefreshToken: row.RefreshToken, TokenExpireTime: row.TokenExpireTime, RefreshExpireTime: row.RefreshExpireTime})
}

func (w *World) Ledger(channelID, templateID string, u store.UserRef, ch store.SubscriptionChange) {
	w.T.Helper()
	key := store.SubscriptionKey{TenantID: w.Tenant, ChannelID: channelID, TemplateID: templateID, User: u}
	if _, err := w.Store.ApplySubscription(context.Background(), key, ch); err != nil {
		w.T.Fatal(err)
	}
}

func (w *World) Row(channelID, templateID string, u store.UserRef) *store.Subscription {
	w.T.Helper()
	r, err := w.Store.FindSubscription(context.Background(), w.Tenant, channelID, templateID, u)
	if err != nil {
		w.T.Fatal(err)
	}
	return r
}

// send is one message to queue.
type Send struct {
	Channel, Template string
	To                store.UserRef
	Data              map[string]string
	SendTime, Expire  *time.Time
	Category          reachv1.MessageCategory
}

// queue queues messages as the API does and returns them.
func (w *World) Queue(sends ...Send) []*store.Message {
	w.T.Helper()
	msgs := make([]*store.Message, len(sends))
	for i, s := range sends {
		msgs[i] = Message(w.Tenant, s)
		msgs[i].BatchIndex = i
	}
	if _, _, _, err := w.Store.CreateMessages(context.Background(), w.Tenant, "", "", msgs); err != nil {
		w.T.Fatal(err)
	}
	return msgs
}

// Message is the message s asks for, as the API would queue it (expiring in an hour
// unless s says otherwise).
func Message(tenantID string, s Send) *store.Message {
	data := s.Data
	if data == nil {
		data = map[string]string{"keyword1": "order 1", "keyword2": "shipped"}
		if s.Channel == "plus" {
			data = map[string]string{"orderNo": "A-1"}
		}
	}
	payload, err := protojson.Marshal(&reachv1.Message{Data: data, Category: s.Category})
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	expire := time.Now().UTC().Add(time.Hour)
	if s.Expire != nil {
		expire = *s.Expire
	}
	return &store.Message{TenantID: tenantID, ID: uuid.Must(uuid.NewV7()).String(), ChannelID: s.Channel, TemplateID: s.Template,
		Recipient: s.To, Payload: payload, State: "QUEUED", StateReason: "waiting to be sent",
		SendTime: s.SendTime, ExpireTime: &expire}
}

// accepted counts the sends the simulator accepted for an app.
func (w *World) Accepted(appID string) int {
	return len(w.Sim.Requests(alipaysim.RequestFilter{AppID: appID, Outcome: alipaysim.OutcomeAccepted, API: SendAPI(appID)}))
}

func SendAPI(appID string) string {
	switch appID {
	case LifeApp:
		return "alipay.open.public.message.single.send"
	case MiniApp:
		return "alipay.open.app.mini.templatemessage.send"
	}
	return "/api/open/v2/miniprogram/message/send"
}

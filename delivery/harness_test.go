package delivery

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
	"github.com/reachhq/reach/store/storetest"
)

// The simulated Alipay apps every test uses.
const (
	lifeApp   = "2021000000000021"
	miniApp   = "2021000000000022"
	plusApp   = "P000000000000002SIM1"
	plusCient = "SIM_DELIVERY"
	ringText  = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
)

// env is a store, a simulated Alipay over real HTTP, and channels and templates for each
// product, ENABLED: "life" (template "lt1", Alipay's LT1), "mini" ("once" = MT1 one-time,
// "long" = MT2 long-term) and "plus" ("tp" = TP_1).
type env struct {
	t      *testing.T
	st     store.Store
	sim    *alipaysim.TestServer
	conn   *appconn.Connector
	tenant string
	log    *slog.Logger
}

// databases are the backends the dispatcher tests run on: SQLite always, PostgreSQL and
// MariaDB when reachable (required under CI=true).
func databases(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string {
			return "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
		},
		"postgres": func(t *testing.T) string { return storetest.SharedDatabase(t, "postgres") },
		"mysql":    func(t *testing.T) string { return storetest.SharedDatabase(t, "mysql") },
	}
}

// eachDatabase runs fn on every backend.
func eachDatabase(t *testing.T, fn func(t *testing.T, dsn string)) {
	dbs := databases(t)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range dbs {
			if !yield(k) {
				return
			}
		}
	}) {
		t.Run(name, func(t *testing.T) { fn(t, dbs[name](t)) })
	}
}

func sqliteDSN(t *testing.T) string { return databases(t)["sqlite"](t) }

func newEnv(t *testing.T, dsn string, mod func(*alipaysim.Config)) *env {
	t.Helper()
	st, _, err := backend.Open(context.Background(), dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	ring, err := secrets.Parse(ringText)
	if err != nil {
		t.Fatal(err)
	}
	cfg := alipaysim.Config{Apps: []alipaysim.App{
		{AppID: lifeApp, Product: alipaysim.LifeAccount,
			Templates: []alipaysim.Template{{ID: "LT1", Title: "订单状态提醒", Keywords: []string{"keyword1", "keyword2"}}}},
		{AppID: miniApp, Product: alipaysim.MiniProgram, Templates: []alipaysim.Template{
			{ID: "MT1", Subscription: alipaysim.OneTime, Keywords: []string{"keyword1", "keyword2"}},
			{ID: "MT2", Subscription: alipaysim.LongTerm, Keywords: []string{"keyword1", "keyword2"}}}},
		{AppID: plusApp, Product: alipaysim.AlipayPlus, ClientID: plusCient,
			Templates: []alipaysim.Template{{ID: "TP_1", Keywords: []string{"orderNo"}}}},
	}}
	if mod != nil {
		mod(&cfg)
	}
	sim := alipaysim.NewTestServer(t, cfg)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("REACH_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	tn, err := st.EnsureTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, sim: sim, conn: appconn.New(st, ring, log), tenant: tn.ID, log: log}
	e.channels()
	return e
}

// channels creates the three channels and their templates.
func (e *env) channels() {
	open := func(appID string) (*reachv1.Channel, appconn.Secrets) {
		return &reachv1.Channel{Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: appID, AlipayPublicKey: e.sim.AlipayPublicKeyPEM(), GatewayUrl: e.sim.GatewayURL()}}}, appconn.Secrets{AppPrivateKey: e.sim.App(appID).PrivateKeyPEM}
	}
	cfg, sec := open(lifeApp)
	e.channel("life", typeLifeAccount, cfg, sec)
	cfg, sec = open(miniApp)
	e.channel("mini", typeMiniProgram, cfg, sec)
	e.channel("plus", typeAlipayPlus, &reachv1.Channel{Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{
		ClientId: plusCient, AppId: plusApp, PlatformPublicKey: e.sim.PlatformPublicKeyPEM(), GatewayUrl: e.sim.URL() + "/api/open"}}},
		appconn.Secrets{MerchantPrivateKey: e.sim.App(plusApp).PrivateKeyPEM})
	life := &reachv1.Template{Options: &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{
		Url: "https://shop.example/orders", ActionName: "查看详情"}}}
	e.template("life", "lt1", "LT1", "", life, "keyword1", "keyword2")
	mini := &reachv1.Template{Options: &reachv1.Template_MiniProgram{MiniProgram: &reachv1.MiniProgramTemplateOptions{Page: "pages/index"}}}
	e.template("mini", "once", "MT1", "ONE_TIME", mini, "keyword1", "keyword2")
	e.template("mini", "long", "MT2", "LONG_TERM", mini, "keyword1", "keyword2")
	plus := &reachv1.Template{Options: &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{Languages: []string{"en-US"}}}}
	e.template("plus", "tp", "TP_1", "", plus, "orderNo")
}

func (e *env) channel(id, typ string, cfg *reachv1.Channel, sec appconn.Secrets) {
	e.t.Helper()
	config, err := appconn.ConfigOf(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	sealed, err := e.conn.SealSecrets(e.tenant, id, sec)
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.st.CreateChannel(context.Background(), &store.Channel{TenantID: e.tenant, ID: id, DisplayName: id, Type: typ,
		State: "ENABLED", StateReason: "verified with Alipay", Config: config, Secrets: sealed})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) template(channelID, id, external, subType string, opts *reachv1.Template, keys ...string) {
	e.t.Helper()
	b, err := protojson.Marshal(opts)
	if err != nil {
		e.t.Fatal(err)
	}
	t := &store.Template{TenantID: e.tenant, ChannelID: channelID, ID: id, ExternalID: external, DisplayName: id,
		Options: b, SubscriptionType: subType, State: "ACTIVE"}
	for _, k := range keys {
		t.Keywords = append(t.Keywords, store.Keyword{Key: k})
	}
	if err := e.st.CreateTemplate(context.Background(), t); err != nil {
		e.t.Fatal(err)
	}
}

// policy sets a channel's delivery policy.
func (e *env) policy(channelID string, p *reachv1.DeliveryPolicy) {
	e.t.Helper()
	e.changeChannel(channelID, func(ch *store.Channel) {
		cfg, err := appconn.Config(ch)
		if err != nil {
			e.t.Fatal(err)
		}
		cfg.DeliveryPolicy = p
		if ch.Config, err = appconn.ConfigOf(cfg); err != nil {
			e.t.Fatal(err)
		}
	})
}

func (e *env) changeChannel(channelID string, change func(*store.Channel)) {
	e.t.Helper()
	ch, err := e.st.GetChannel(context.Background(), e.tenant, channelID)
	if err != nil {
		e.t.Fatal(err)
	}
	change(ch)
	if err := e.st.UpdateChannel(context.Background(), ch); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) channelState(channelID string) *store.Channel {
	e.t.Helper()
	ch, err := e.st.GetChannel(context.Background(), e.tenant, channelID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ch
}

// Users of the tests.
func userID(n int) store.UserRef {
	return store.UserRef{Kind: "USER_ID", ID: "20880000000000" + twoDigits(n)}
}
func customer(n int) store.UserRef {
	return store.UserRef{Kind: "CUSTOMER_ID", ID: "CUST-" + twoDigits(n)}
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10%10), byte('0' + n%10)}) }

// follow makes u follow the Life Account, at Alipay and in the ledger.
func (e *env) follow(u store.UserRef) {
	e.t.Helper()
	if err := e.sim.Follow(lifeApp, u.ID); err != nil {
		e.t.Fatal(err)
	}
	e.ledger("life", "", u, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE", StateReason: "followed"})
}

// accept records n one-time acceptances (or a long-term subscription) of a mini-program
// template, at Alipay and in the ledger.
func (e *env) accept(templateID, external string, u store.UserRef, n int) {
	e.t.Helper()
	if err := e.sim.Subscribe(miniApp, u.ID, external, n); err != nil {
		e.t.Fatal(err)
	}
	ch := store.SubscriptionChange{Kind: "TEMPLATE", Type: "LONG_TERM", State: "ACTIVE"}
	if templateID == "once" {
		ch = store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: int64(n), State: "ACTIVE"}
	}
	e.ledger("mini", templateID, u, ch)
}

// authorize authorizes an Alipay+ customer through applyToken and keeps the tokens.
func (e *env) authorize(u store.UserRef) {
	e.t.Helper()
	ctx := context.Background()
	code, _, err := e.sim.IssueAuthCode(plusApp, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	ch := e.channelState("plus")
	authz, err := e.conn.Authorizer(ch)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := authz.ApplyToken(ctx, code)
	if err != nil {
		e.t.Fatal(err)
	}
	key := store.SubscriptionKey{TenantID: e.tenant, ChannelID: "plus", User: u}
	row, err := e.st.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "AUTHORIZATION"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.conn.SealTokens(row, tok); err != nil {
		e.t.Fatal(err)
	}
	e.ledger("plus", "", u, store.SubscriptionChange{Kind: "AUTHORIZATION", State: "ACTIVE", StateReason: "authorized",
		AccessToken: row.AccessToken, RefreshToken: row.RefreshToken, TokenExpireTime: row.TokenExpireTime, RefreshExpireTime: row.RefreshExpireTime})
}

func (e *env) ledger(channelID, templateID string, u store.UserRef, ch store.SubscriptionChange) {
	e.t.Helper()
	key := store.SubscriptionKey{TenantID: e.tenant, ChannelID: channelID, TemplateID: templateID, User: u}
	if _, err := e.st.ApplySubscription(context.Background(), key, ch); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) row(channelID, templateID string, u store.UserRef) *store.Subscription {
	e.t.Helper()
	r, err := e.st.FindSubscription(context.Background(), e.tenant, channelID, templateID, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// send is one message to queue.
type send struct {
	channel, template string
	to                store.UserRef
	data              map[string]string
	sendTime, expire  *time.Time
}

var msgSeq int

// queue queues messages as the API does and returns them.
func (e *env) queue(sends ...send) []*store.Message {
	e.t.Helper()
	var msgs []*store.Message
	for i, s := range sends {
		data := s.data
		if data == nil {
			data = map[string]string{"keyword1": "order 1", "keyword2": "shipped"}
			if s.channel == "plus" {
				data = map[string]string{"orderNo": "A-1"}
			}
		}
		payload, err := protojson.Marshal(&reachv1.Message{Data: data})
		if err != nil {
			e.t.Fatal(err)
		}
		expire := time.Now().UTC().Add(time.Hour)
		if s.expire != nil {
			expire = *s.expire
		}
		msgSeq++
		msgs = append(msgs, &store.Message{TenantID: e.tenant, ID: newTestID(), ChannelID: s.channel, TemplateID: s.template,
			BatchIndex: i, Recipient: s.to, Payload: payload, State: "QUEUED", StateReason: "waiting to be sent",
			SendTime: s.sendTime, ExpireTime: &expire})
	}
	if _, _, _, err := e.st.CreateMessages(context.Background(), e.tenant, "", "", msgs); err != nil {
		e.t.Fatal(err)
	}
	return msgs
}

// start runs a dispatcher until the test ends and returns it.
func (e *env) start(cfg Config) *Dispatcher {
	e.t.Helper()
	cfg.BackoffInitial = cmpOr(cfg.BackoffInitial, 20*time.Millisecond)
	cfg.BackoffMax = cmpOr(cfg.BackoffMax, 100*time.Millisecond)
	cfg.RateLimitDelay = cmpOr(cfg.RateLimitDelay, 50*time.Millisecond)
	cfg.Poll = cmpOr(cfg.Poll, 20*time.Millisecond)
	cfg.CallTimeout = cmpOr(cfg.CallTimeout, 5*time.Second)
	cfg.CacheFor = cmpOr(cfg.CacheFor, 50*time.Millisecond)
	cfg.HoldFor = cmpOr(cfg.HoldFor, 100*time.Millisecond)
	d := New(cfg, e.st, e.conn, e.log, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = d.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
	return d
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// wait polls a message until done says it is where the test expects, or fails.
func (e *env) wait(m *store.Message, done func(*store.Message) bool) *store.Message {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := e.st.GetMessage(context.Background(), e.tenant, m.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if done(got) {
			return got
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("message %s stayed %s (%q), attempts %d", got.ID, got.State, got.StateReason, got.Attempts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitState waits for a message to reach state.
func (e *env) waitState(m *store.Message, state string) *store.Message {
	e.t.Helper()
	return e.wait(m, func(got *store.Message) bool { return got.State == state && got.LeaseOwner == "" })
}

func (e *env) events(m *store.Message) []*store.MessageEvent {
	e.t.Helper()
	evs, _, err := e.st.ListMessageEvents(context.Background(), e.tenant, m.ID, store.Page{Size: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// accepted counts the sends the simulator accepted for an app.
func (e *env) accepted(appID string) int {
	return len(e.sim.Requests(alipaysim.RequestFilter{AppID: appID, Outcome: alipaysim.OutcomeAccepted, API: sendAPI(appID)}))
}

func sendAPI(appID string) string {
	switch appID {
	case lifeApp:
		return "alipay.open.public.message.single.send"
	case miniApp:
		return "alipay.open.app.mini.templatemessage.send"
	}
	return "/api/open/v2/miniprogram/message/send"
}

package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// RSA keys for the channel, generated once per test binary (generation is slow).
var channelKeys = sync.OnceValues(func() (appPrivPEM, alipayPubPEM string) {
	app, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	alipay, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(app)
	if err != nil {
		panic(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&alipay.PublicKey)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
})

// newKey returns a fresh key ring key: base64 of 32 random bytes.
func newKey(t *testing.T) string {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(key)
}

// newKeyRing returns a REACH_SECRET_KEYS value with one fresh key, k1.
func newKeyRing(t *testing.T) string { return "k1:" + newKey(t) }

// secretFragments are the pieces of secret text whose appearance anywhere would be a leak:
// each whole secret, and every long base64 line of a PEM (a log might re-wrap or escape it).
func secretFragments(secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		out = append(out, s)
		if strings.Contains(s, "-----BEGIN") {
			for _, l := range strings.Split(s, "\n") {
				if len(l) >= 32 && !strings.HasPrefix(l, "-----") {
					out = append(out, l)
				}
			}
		}
	}
	return out
}

// assertNoSecrets fails if text contains any fragment of secrets.
func assertNoSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, f := range secretFragments(secrets...) {
		if strings.Contains(text, f) {
			t.Errorf("%s contains secret text %.24q…", what, f)
		}
	}
}

const (
	externalTemplateID = "ab72b134e7584250876d23f8e7c2000b"
	userID             = "2088000000000001"
)

// sendBody is step 5 of the README: the same body twice is an idempotent replay.
var sendBody = map[string]any{
	"requestId": "order-1001-shipped",
	"template":  "channels/acme-mini/templates/order-shipped",
	"recipient": map[string]any{"userId": userID},
	"data":      map[string]any{"keyword1": "1001", "keyword2": "SF Express"},
	"page":      "pages/orders/detail?id=1001",
}

// walkResult is what a walk-through leaves behind for later checks.
type walkResult struct {
	message map[string]any // the message as GET returns it
	sent    map[string]any // the message as the first SendMessage returned it
	secrets []string       // secret text sent to the server
}

// walkThrough is the README walk-through over HTTP/JSON: an admin creates a mini program
// channel and a one-time template, a sender records the user's subscribe result and sends a
// message, which is QUEUED; a replay returns the same message.
func walkThrough(t *testing.T, admin, sender *api) walkResult {
	t.Helper()
	priv, pub := channelKeys()
	res := walkResult{secrets: []string{priv}}

	// 2. The channel. The private key is sealed, never returned.
	ch := admin.must("POST", "/v1/channels?channelId=acme-mini", map[string]any{
		"displayName": "Acme mini program", "type": "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM",
		"openPlatform": map[string]any{"appId": "2021000000000001", "appPrivateKey": priv, "alipayPublicKey": pub},
	})
	if got := str(ch, "channel", "state"); got != "CHANNEL_STATE_UNVERIFIED" {
		t.Fatalf("channel state %q: %v", got, ch)
	}
	op := obj(ch, "channel", "openPlatform")
	if _, ok := op["appPrivateKey"]; ok {
		t.Fatal("the channel came back with its private key")
	}
	if info := obj(op, "appPrivateKeyInfo"); info["set"] != true || !strings.HasPrefix(str(info, "fingerprint"), "SHA256:") {
		t.Fatalf("appPrivateKeyInfo = %v", info)
	}
	raw, _ := json.Marshal(ch)
	assertNoSecrets(t, "CreateChannel response", string(raw), priv)

	// A malformed private key is refused without echoing it.
	badKeys := []string{
		"-----BEGIN PRIVATE KEY-----\nTOPSECRETpemBODYthatIsNotAKeyAtAll0123456789abcdef\n-----END PRIVATE KEY-----\n",
		"TOPSECRETrawBase64thatIsNotAKeyAtAll0123456789abcdefABCDEF==",
	}
	for i, bad := range badKeys {
		code, out := admin.do("POST", "/v1/channels?channelId=bad-key-"+string(rune('a'+i)), map[string]any{
			"displayName": "Bad", "type": "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM",
			"openPlatform": map[string]any{"appId": "2021000000000002", "appPrivateKey": bad, "alipayPublicKey": pub},
		})
		raw, _ := json.Marshal(out)
		if code != http.StatusBadRequest || !strings.Contains(string(raw), "app_private_key") {
			t.Fatalf("malformed private key: HTTP %d %s", code, raw)
		}
		if strings.Contains(string(raw), "TOPSECRET") {
			t.Fatalf("the error echoes the private key: %s", raw)
		}
		res.secrets = append(res.secrets, strings.TrimSpace(strings.Split(strings.TrimPrefix(bad, "-----BEGIN PRIVATE KEY-----\n"), "\n")[0]))
	}

	// 3. The one-time template.
	tpl := admin.must("POST", "/v1/channels/acme-mini/templates?templateId=order-shipped", `{
	  "externalId": "`+externalTemplateID+`", "displayName": "Order shipped",
	  "subscriptionType": "SUBSCRIPTION_TYPE_ONE_TIME",
	  "keywords": [{"key": "keyword1", "label": "订单号"}, {"key": "keyword2", "label": "快递公司"}]}`)
	if str(tpl, "template", "name") != "channels/acme-mini/templates/order-shipped" || str(tpl, "template", "state") != "TEMPLATE_STATE_ACTIVE" {
		t.Fatalf("template: %v", tpl)
	}

	// A sender may not create channels.
	if code, out := sender.do("POST", "/v1/channels?channelId=nope", map[string]any{"displayName": "x"}); code != http.StatusForbidden {
		t.Fatalf("sender creating a channel: HTTP %d %v, want 403", code, out)
	}

	// 4. The user's subscribe result, passed as is.
	result := `{"behavior":"subscribe","show":true,"keep":false,"result":{"subscribeEntityIds":["` + externalTemplateID +
		`"],"subscribedEntityIds":["` + externalTemplateID + `"],"unsubscribedEntityIds":[],"currentSubscribedEntityIds":["` +
		externalTemplateID + `"]},"` + externalTemplateID + `":"accept"}`
	rec := sender.must("POST", "/v1/channels/acme-mini/subscriptions:recordSubscribeResult", map[string]any{
		"user": map[string]any{"userId": userID}, "resultJson": result,
	})
	subs, _ := rec["subscriptions"].([]any)
	if rec["outcome"] != "SUBSCRIBE_OUTCOME_SUBSCRIBED" || len(subs) != 1 || subs[0].(map[string]any)["remainingSends"] != "1" {
		t.Fatalf("recordSubscribeResult: %v", rec)
	}

	// 5. Send; the same request again is a replay of the same message.
	sent := sender.must("POST", "/v1/messages:send", sendBody)
	res.sent = obj(sent, "message")
	name := str(sent, "message", "name")
	if !strings.HasPrefix(name, "messages/") || str(sent, "message", "state") != "MESSAGE_STATE_QUEUED" || sent["replayed"] == true {
		t.Fatalf("send: %v", sent)
	}
	again := sender.must("POST", "/v1/messages:send", sendBody)
	if str(again, "message", "name") != name || again["replayed"] != true {
		t.Fatalf("replay: %v, want message %s replayed", again, name)
	}

	// Bad input: HTTP 400 with a google.rpc.BadRequest naming the field.
	bad := map[string]any{}
	for k, v := range sendBody {
		bad[k] = v
	}
	bad["requestId"] = "order-1002"
	bad["data"] = map[string]any{"keyword1": "1002"}
	code, out := sender.do("POST", "/v1/messages:send", bad)
	details, _ := out["details"].([]any)
	if code != http.StatusBadRequest || len(details) == 0 {
		t.Fatalf("missing keyword: HTTP %d %v", code, out)
	}
	d := details[0].(map[string]any)
	fv, _ := d["fieldViolations"].([]any)
	if d["@type"] != "type.googleapis.com/google.rpc.BadRequest" || len(fv) == 0 || fv[0].(map[string]any)["field"] != "data[keyword2]" {
		t.Fatalf("missing keyword: details %v", details)
	}

	// 6. What happened to it.
	got := sender.must("GET", "/v1/"+name, nil)
	res.message = obj(got, "message")
	if str(got, "message", "state") != "MESSAGE_STATE_QUEUED" || str(got, "message", "requestId") != "order-1001-shipped" {
		t.Fatalf("GET %s: %v", name, got)
	}
	list := sender.must("GET", "/v1/messages?filter="+url.QueryEscape("state = QUEUED"), nil)
	msgs, _ := list["messages"].([]any)
	if len(msgs) != 1 || msgs[0].(map[string]any)["name"] != name {
		t.Fatalf("list QUEUED: %v", list)
	}

	// No key, or an unknown one: 401.
	anon := *sender
	anon.key = ""
	if code, _ := anon.do("GET", "/v1/"+name, nil); code != http.StatusUnauthorized {
		t.Fatalf("no key: HTTP %d, want 401", code)
	}
	anon.key = "rk_aaaaaaaaaaaa_" + strings.Repeat("A", 32)
	if code, _ := anon.do("GET", "/v1/"+name, nil); code != http.StatusUnauthorized {
		t.Fatalf("unknown key: HTTP %d, want 401", code)
	}
	return res
}

// lifecycle runs the README walk-through against `reach serve` (started with env and args),
// then checks revocation, secret hygiene, graceful shutdown and a restart on the same
// database. adminKey and senderKey were made with `reach keys create`; extraSecrets is other
// secret text (key rings) the logs must not show. It returns the two server processes.
func lifecycle(t *testing.T, env []string, args []string, adminKey, senderKey string, extraSecrets ...string) (first, second *serveProc) {
	t.Helper()
	// An API-only replica: the walk-through's channel names the real Alipay, which cannot be
	// reached from here, and its message is to stay QUEUED. Delivery runs against the
	// simulator in TestServeDelivers and in delivery/.
	args = append(slices.Clone(args), "--dispatch=false")
	first = serveReady(t, env, args...)
	t.Logf("ready after %v", time.Since(first.started).Round(time.Millisecond))
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(t, first.baseURL()+path); code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
	}
	if code, body := get(t, first.baseURL()+"/metrics"); code != http.StatusOK || !strings.Contains(body, "grpc_server_") {
		t.Fatalf("GET /metrics: %d", code)
	}

	admin, sender := newAPI(t, first, adminKey), newAPI(t, first, senderKey)
	w := walkThrough(t, admin, sender)

	// Use is recorded; revocation takes effect without a restart, within the key cache's
	// bound.
	db := dbArg(env, args)
	list := mustReach(t, env, "keys", "list", "--database", db).stdout
	adminID := tokenRE.FindStringSubmatch(adminKey)[1]
	if row := keyRow(t, list, adminID); row == nil || row[len(row)-2] == "-" {
		t.Errorf("keys list: last use of %s not recorded: %q\n%s", adminID, row, list)
	}
	mustReach(t, env, "keys", "revoke", tokenRE.FindStringSubmatch(senderKey)[1], "--database", db)
	time.Sleep(testKeyCache)
	if code, out := sender.do("GET", "/v1/"+str(w.message, "name"), nil); code != http.StatusUnauthorized {
		t.Errorf("revoked key: HTTP %d %v, want 401", code, out)
	}
	if code, _ := admin.do("GET", "/v1/"+str(w.message, "name"), nil); code != http.StatusOK {
		t.Errorf("admin key stopped working after the sender key was revoked: HTTP %d", code)
	}

	took := first.stop()
	t.Logf("SIGTERM to exit: %v", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("shutdown took %v", took)
	}
	if !strings.Contains(first.stderr.String(), "shutting down") {
		t.Errorf("no shutdown log line:\n%s", first.stderr.String())
	}

	// Restart on the same database: the same message, the same channel.
	second = serveReady(t, env, args...)
	admin = newAPI(t, second, adminKey)
	name := str(w.message, "name")
	got := obj(admin.must("GET", "/v1/"+name, nil), "message")
	if !reflect.DeepEqual(got, w.message) {
		t.Errorf("after restart GET %s =\n%v\nbefore restart:\n%v", name, got, w.message)
	}
	again := admin.must("POST", "/v1/messages:send", sendBody)
	if str(again, "message", "name") != name || again["replayed"] != true {
		t.Errorf("replay after restart: %v, want %s replayed", again, name)
	}
	ch := admin.must("GET", "/v1/channels/acme-mini", nil)
	if obj(ch, "channel", "openPlatform", "appPrivateKeyInfo")["set"] != true {
		t.Errorf("channel after restart: %v", ch)
	}
	// Ctrl-C is a graceful stop too.
	if err := second.cmd.Process.Signal(interrupt); err != nil {
		t.Fatal(err)
	}
	if code := second.waitExit(exitTimeout); code != 0 {
		t.Errorf("exit code after SIGINT: %d", code)
	}

	secrets := append([]string{adminKey, senderKey, tokenRE.FindStringSubmatch(adminKey)[2], tokenRE.FindStringSubmatch(senderKey)[2]}, w.secrets...)
	secrets = append(secrets, extraSecrets...)
	for _, p := range []*serveProc{first, second} {
		assertNoSecrets(t, "serve stderr", p.stderr.String(), secrets...)
		assertNoSecrets(t, "serve stdout", p.stdout.String(), secrets...)
	}

	t.Run("CallLogNamesTenantAndKey", func(t *testing.T) {
		senderID := tokenRE.FindStringSubmatch(senderKey)[1]
		for _, l := range strings.Split(first.stderr.String(), "\n") {
			if strings.Contains(l, "grpc.method=SendMessage") && strings.Contains(l, "grpc.code=OK") {
				if !strings.Contains(l, "tenant=") || !strings.Contains(l, "key="+senderID) {
					t.Fatalf("call log without tenant and key %s: %s", senderID, l)
				}
				return
			}
		}
		t.Fatalf("no SendMessage call log:\n%s", first.stderr.String())
	})
	t.Run("SendResponseEqualsStoredMessage", func(t *testing.T) {
		if !reflect.DeepEqual(w.sent, w.message) {
			t.Fatalf("SendMessage returned\n%v\nGetMessage returns\n%v", w.sent, w.message)
		}
	})
	return first, second
}

// dbArg is the database the server uses: --database in args, else REACH_DATABASE in env.
func dbArg(env, args []string) string {
	for i, a := range args {
		if a == "--database" && i+1 < len(args) {
			return args[i+1]
		}
	}
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "REACH_DATABASE="); ok {
			return v
		}
	}
	return ""
}

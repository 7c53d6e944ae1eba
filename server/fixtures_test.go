package server

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// Test keys are generated once per test binary: RSA generation is slow.
var (
	keysOnce             sync.Once
	appKeyPEM, alipayPub string
	merchantKeyPEM       string
)

func testKeys(t testing.TB) (appPriv, alipayPubKey string) {
	t.Helper()
	keysOnce.Do(func() {
		appKeyPEM = genKeyPEM(t, false)
		alipayPub = genKeyPEM(t, true)
		merchantKeyPEM = genKeyPEM(t, false)
	})
	return appKeyPEM, alipayPub
}

func genKeyPEM(t testing.TB, public bool) string {
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

// miniChannel is a valid mini program channel to create. Its gateway is a closed loopback
// port, so verification fails at once with the same reason on every machine (tests about
// Alipay itself use the simulator).
func miniChannel(t testing.TB) *reachv1.Channel {
	priv, pub := testKeys(t)
	return &reachv1.Channel{
		DisplayName: "Acme mini", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM,
		Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: "2021000000000001", AppPrivateKey: priv, AlipayPublicKey: pub, GatewayUrl: deadGatewayURL(t)}},
	}
}

// lifeChannel is a valid Life Account channel to create.
func lifeChannel(t testing.TB) *reachv1.Channel {
	c := miniChannel(t)
	c.DisplayName, c.Type = "Acme life", reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT
	return c
}

// plusChannel is a valid Alipay+ channel to create.
func plusChannel(t testing.TB) *reachv1.Channel {
	testKeys(t)
	return &reachv1.Channel{
		DisplayName: "Acme plus", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM,
		Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{
			ClientId: "2022000000000001", MerchantPrivateKey: merchantKeyPEM, PlatformPublicKey: alipayPub,
			AppId: "3333000000000001", GatewayUrl: strings.TrimSuffix(deadGatewayURL(t), "/gateway.do") + "/api/open"}},
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

// Users of each id kind.
func uid(id string) *reachv1.User { return &reachv1.User{Id: &reachv1.User_UserId{UserId: id}} }
func oid(id string) *reachv1.User { return &reachv1.User{Id: &reachv1.User_OpenId{OpenId: id}} }
func cid(id string) *reachv1.User { return &reachv1.User{Id: &reachv1.User_CustomerId{CustomerId: id}} }

// kws builds template keywords from key/label pairs.
func kws(pairs ...string) []*reachv1.TemplateKeyword {
	var out []*reachv1.TemplateKeyword
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, &reachv1.TemplateKeyword{Key: pairs[i], Label: pairs[i+1]})
	}
	return out
}

// createTemplate creates t under channelID with id as admin of acme.
func (e *testEnv) createTemplate(channelID, id string, t *reachv1.Template) *reachv1.Template {
	e.t.Helper()
	resp := &reachv1.CreateTemplateResponse{}
	e.must(mCreateTemplate, &reachv1.CreateTemplateRequest{Parent: "channels/" + channelID, TemplateId: id, Template: t}, resp)
	return resp.Template
}

// longTermTemplate creates a long-term mini program template with one keyword.
func (e *testEnv) longTermTemplate(channelID, id, externalID string) *reachv1.Template {
	e.t.Helper()
	return e.createTemplate(channelID, id, &reachv1.Template{ExternalId: externalID, DisplayName: "Bill due",
		SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM, Keywords: kws("keyword1", "金额")})
}

// lifeTemplate creates a Life Account template with two keywords, first and remark lines,
// and (when withDefaults) a default url and action name.
func (e *testEnv) lifeTemplate(channelID, id, externalID string, withDefaults bool) *reachv1.Template {
	e.t.Helper()
	opts := &reachv1.LifeAccountTemplateOptions{Title: "交易确认", FirstEnabled: true, RemarkEnabled: true}
	if withDefaults {
		opts.Url, opts.ActionName = "https://acme.example/orders", "查看详情"
	}
	return e.createTemplate(channelID, id, &reachv1.Template{ExternalId: externalID, DisplayName: "Trade",
		Keywords: kws("keyword1", "交易笔数", "keyword2", "交易金额"),
		Options:  &reachv1.Template_LifeAccount{LifeAccount: opts}})
}

// plusTemplate creates an Alipay+ template in en-US and zh-CN with one parameter.
func (e *testEnv) plusTemplate(channelID, id, externalID string) *reachv1.Template {
	e.t.Helper()
	return e.createTemplate(channelID, id, &reachv1.Template{ExternalId: externalID, DisplayName: "Promo",
		Keywords: kws("amount", "Amount"),
		Options:  &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{Languages: []string{"en-US", "zh-CN"}}}})
}

// send sends req as admin of acme and returns the message.
func (e *testEnv) send(req *reachv1.SendMessageRequest) *reachv1.Message {
	e.t.Helper()
	resp := &reachv1.SendMessageResponse{}
	e.must(mSendMessage, req, resp)
	return resp.Message
}

// miniSend is a valid send of the one-time template channels/{ch}/templates/{tpl}.
func miniSend(ch, tpl, requestID string, to *reachv1.User) *reachv1.SendMessageRequest {
	return &reachv1.SendMessageRequest{RequestId: requestID, Template: "channels/" + ch + "/templates/" + tpl,
		Recipient: to, Data: map[string]string{"keyword1": "1001", "keyword2": "SF"}}
}

// parsePrivatePEM parses a PKCS#8 PEM private key made by genKeyPEM.
func parsePrivatePEM(t testing.TB, s string) *rsa.PrivateKey {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		t.Fatal("no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// publicPEM returns the PEM "PUBLIC KEY" of priv.
func publicPEM(t testing.TB, priv *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// fingerprintOf is SecretInfo.fingerprint of an RSA key as the contract defines it:
// "SHA256:" and the hex SHA-256 of the public key's SubjectPublicKeyInfo DER.
func fingerprintOf(t testing.TB, priv *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + hex.EncodeToString(sum[:])
}

// certSet is a certificate-mode credential set: a root CA (RSA-signed) that issued the
// app's public key certificate and Alipay's public key certificate.
type certSet struct{ root, app, alipay string }

// testCerts issues certificates with the merchant key as CA: the app certificate carries
// appPub, Alipay's carries alipayPub.
func testCerts(t testing.TB, appPub, alipayPub *rsa.PublicKey) certSet {
	t.Helper()
	testKeys(t)
	ca := parsePrivatePEM(t, merchantKeyPEM)
	now := time.Now()
	rootTpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{Country: []string{"CN"}, Organization: []string{"Ant Financial"}, OrganizationalUnit: []string{"Certification Authority"}, CommonName: "Test Root"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, SignatureAlgorithm: x509.SHA256WithRSA}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTpl, rootTpl, &ca.PublicKey, ca)
	if err != nil {
		t.Fatal(err)
	}
	root, err := x509.ParseCertificate(rootDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(serial int64, cn string, pub *rsa.PublicKey) string {
		tpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tpl, root, pub, ca)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	return certSet{
		root:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rootDER})),
		app:    leaf(1001, "2021000000000001", appPub),
		alipay: leaf(1002, "Alipay", alipayPub),
	}
}

// pemBody is the base64 text of a PEM document without its armour lines and line breaks.
func pemBody(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "-----") {
			b.WriteString(strings.TrimSpace(line))
		}
	}
	return b.String()
}

// mask is a field mask of paths.
func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }
